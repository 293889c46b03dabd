import type { AccountDirectory, AccountQuery, DirectoryAnswer } from './account-directory';
import { cacheKeyOf, type LookupCache } from './lookup-cache';

export interface CacheTtls {
  /** Seconds for a known mailbox or a domain's default. */
  readonly ttlSeconds: number;
  /** Seconds for an unknown mailbox or a domain that is not hosted. */
  readonly negativeTtlSeconds: number;
}

/**
 * Read-through cache in front of any directory. Concurrent misses for one key share a single
 * directory lookup (single flight), so a burst for an uncached address reaches the source once.
 */
export class CachedDirectory implements AccountDirectory {
  private readonly inFlight = new Map<string, Promise<DirectoryAnswer>>();

  constructor(
    private readonly source: AccountDirectory,
    private readonly cache: LookupCache,
    private readonly ttls: CacheTtls,
  ) {}

  async lookup(query: AccountQuery): Promise<DirectoryAnswer> {
    const cached = await this.cache.get(query);
    if (cached !== undefined) return cached;
    const key = cacheKeyOf(query);
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending;
    const lookup = this.fetchAndStore(query).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, lookup);
    return lookup;
  }

  private async fetchAndStore(query: AccountQuery): Promise<DirectoryAnswer> {
    const answer = await this.source.lookup(query);
    const positive = answer.hosted && answer.mailbox !== 'unknown';
    await this.cache.set(query, answer, positive ? this.ttls.ttlSeconds : this.ttls.negativeTtlSeconds);
    return answer;
  }

  async close(): Promise<void> {
    await Promise.all([this.source.close(), this.cache.close()]);
  }
}
