import type { Logger } from 'pino';
import {
  DirectoryUnavailableError,
  type AccountDirectory,
  type AccountQuery,
  type DirectoryAnswer,
} from './account-directory';

/**
 * Wraps the directory source so an outage is logged once when it starts and once when it ends,
 * however many lookups fail in between (the cache may hide it from clients meanwhile).
 */
export class OutageLoggedDirectory implements AccountDirectory {
  private downSince: number | null = null;

  constructor(
    private readonly source: AccountDirectory,
    private readonly logger: Pick<Logger, 'warn' | 'info'>,
    private readonly now: () => number = Date.now,
  ) {}

  async lookup(query: AccountQuery): Promise<DirectoryAnswer> {
    try {
      const answer = await this.source.lookup(query);
      if (this.downSince !== null) {
        this.logger.info({ downMs: this.now() - this.downSince }, 'account directory available again');
        this.downSince = null;
      }
      return answer;
    } catch (error) {
      if (error instanceof DirectoryUnavailableError && this.downSince === null) {
        this.downSince = this.now();
        this.logger.warn(
          { reason: error.message },
          'account directory unavailable; serving cached answers and temporary errors until it is back',
        );
      }
      throw error;
    }
  }

  close(): Promise<void> {
    return this.source.close();
  }
}
