import type { Logger } from 'pino';
import type { LoadedConfig } from '../config/load';
import { err, ok, type Result } from '../model/result';
import type { AccountDirectory } from './account-directory';
import { FileDirectory } from './file-directory';
import { HttpDirectory } from './http-directory';
import { PostgresDirectory } from './postgres-directory';

/**
 * The account directory chosen in config (`directory.type`). Problems that need fixing before
 * start-up (unreadable file, tables not migrated) are returned; an unreachable database is not
 * one of them: the service starts and answers with temporary errors until it is back.
 */
export async function createDirectorySource(
  loaded: LoadedConfig,
  logger: Logger,
): Promise<Result<AccountDirectory, string[]>> {
  const { directory } = loaded.config;
  switch (directory.type) {
    case 'file': {
      if (loaded.accountsFile === null) return err(['directory.file: no account file resolved']);
      if (!directory.watch) return FileDirectory.open(loaded.accountsFile);
      return FileDirectory.open(loaded.accountsFile, { reloadDelayMs: directory.reloadDelayMs, logger });
    }
    case 'postgres': {
      const source = new PostgresDirectory(directory, logger);
      const checked = await source.check();
      if (checked.ok) return ok(source);
      await source.close();
      return err([checked.error]);
    }
    case 'http':
      return ok(new HttpDirectory(directory));
  }
}
