import type { Logger } from 'pino';
import type { LoadedConfig } from './config/load';
import { CachedDirectory } from './directory/cached-directory';
import { FileDirectory } from './directory/file-directory';
import { MemoryLookupCache } from './directory/memory-cache';
import { err, ok, type Result } from './model/result';

export interface Services {
  /** The account directory with its cache in front: what buildApp needs. */
  readonly directory: CachedDirectory;
  close(): Promise<void>;
}

/** Builds the backends chosen in config; problems are returned, not thrown, so main can list them. */
export async function createServices(loaded: LoadedConfig, _logger: Logger): Promise<Result<Services, string[]>> {
  const { config, accountsFile } = loaded;
  const source = FileDirectory.open(accountsFile);
  if (!source.ok) return err(source.error);
  const directory = new CachedDirectory(source.value, new MemoryLookupCache(config.cache.maxEntries), config.cache);
  return ok({ directory, close: () => directory.close() });
}
