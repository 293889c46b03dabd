import type { Logger } from 'pino';
import type { LoadedConfig } from '../config/load';
import type { Result } from '../model/result';
import type { AccountDirectory } from './account-directory';
import { FileDirectory } from './file-directory';

/** The account directory chosen in config (`directory.type`). */
export async function createDirectorySource(loaded: LoadedConfig, _logger: Logger): Promise<Result<AccountDirectory, string[]>> {
  return FileDirectory.open(loaded.accountsFile);
}
