import type { Logger } from 'pino';
import type { LoadedConfig } from './config/load';
import { CachedDirectory } from './directory/cached-directory';
import { createLookupCache } from './directory/create-cache';
import { createDirectorySource } from './directory/create-source';
import { err, ok, type Result } from './model/result';

export interface Services {
  /** The account directory with its cache in front: what buildApp needs. */
  readonly directory: CachedDirectory;
  close(): Promise<void>;
}

/** Builds the backends chosen in config; problems are returned, not thrown, so main can list them. */
export async function createServices(loaded: LoadedConfig, logger: Logger): Promise<Result<Services, string[]>> {
  // A reloaded account file drops the cached answers of the domains it changed (set below, once built).
  let dropChanged: (domains: readonly string[]) => void = () => undefined;
  const source = await createDirectorySource(loaded, logger, {
    onReload: (outcome) => {
      if (outcome.ok) dropChanged(outcome.changedDomains);
    },
  });
  const cache = await createLookupCache(loaded.config, logger);
  if (!source.ok || !cache.ok) {
    if (source.ok) await source.value.close();
    if (cache.ok) await cache.value.close();
    return err([...(source.ok ? [] : source.error), ...(cache.ok ? [] : cache.error)]);
  }
  const directory = new CachedDirectory(source.value, cache.value, loaded.config.cache);
  dropChanged = (domains) => {
    for (const domain of domains) {
      directory.invalidate({ domain }).catch((error: unknown) => logger.warn({ err: error, domain }, 'cannot drop cached answers after a reload'));
    }
  };
  return ok({ directory, close: () => directory.close() });
}
