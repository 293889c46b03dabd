import type { Logger } from 'pino';
import {
  DirectoryDataError,
  DirectoryUnavailableError,
  type AccountDirectory,
  type AccountQuery,
  type DirectoryAnswer,
} from './account-directory';

/** How many distinct refused records are remembered as reported (each is logged once). */
const DATA_PROBLEMS_REMEMBERED = 1000;

/**
 * Wraps the directory source so an outage is logged once when it starts and once when it ends,
 * however many lookups fail in between (the cache may hide it from clients meanwhile). A record the
 * checks refuse (DirectoryDataError: one domain's bad platform) is no outage: each distinct problem
 * is logged once, and lookups of other domains go on as usual.
 */
export class OutageLoggedDirectory implements AccountDirectory {
  private downSince: number | null = null;
  private readonly reportedDataProblems = new Set<string>();

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
      if (error instanceof DirectoryDataError) {
        this.reportDataProblem(error.message);
        throw error;
      }
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

  private reportDataProblem(problem: string): void {
    if (this.reportedDataProblems.has(problem)) return;
    if (this.reportedDataProblems.size >= DATA_PROBLEMS_REMEMBERED) this.reportedDataProblems.clear();
    this.reportedDataProblems.add(problem);
    this.logger.warn(
      { problem },
      'account directory holds a record the checks refuse; its lookups get temporary errors until it is fixed',
    );
  }

  close(): Promise<void> {
    return this.source.close();
  }
}
