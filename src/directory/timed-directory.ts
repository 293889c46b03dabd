import {
  DirectoryUnavailableError,
  type AccountDirectory,
  type AccountQuery,
  type DirectoryAnswer,
} from './account-directory';

/** Told how long each directory lookup took and how it ended (metrics). */
export interface DirectoryObserver {
  /** ok: answered; unavailable: the source said it cannot answer now (an outage); error: anything else. */
  directoryLookup(result: 'ok' | 'unavailable' | 'error', seconds: number): void;
}

/** Times every lookup of the source it wraps and tells the observer. */
export class TimedDirectory implements AccountDirectory {
  constructor(
    private readonly source: AccountDirectory,
    private readonly observer: DirectoryObserver,
  ) {}

  async lookup(query: AccountQuery): Promise<DirectoryAnswer> {
    const startedAt = performance.now();
    try {
      const answer = await this.source.lookup(query);
      this.observer.directoryLookup('ok', (performance.now() - startedAt) / 1000);
      return answer;
    } catch (error) {
      const result = error instanceof DirectoryUnavailableError ? 'unavailable' : 'error';
      this.observer.directoryLookup(result, (performance.now() - startedAt) / 1000);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.source.close();
  }
}
