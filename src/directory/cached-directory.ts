import { DirectoryUnavailableError, type AccountDirectory, type AccountQuery, type DirectoryAnswer } from './account-directory';
import { cacheKeyOf, type CachedAnswer, type InvalidationScope, type LookupCache } from './lookup-cache';

export interface CachePolicy {
  /** Seconds a known mailbox or a domain's default answer stays fresh. */
  readonly ttlSeconds: number;
  /** Seconds an unknown mailbox or a domain that is not hosted stays fresh. */
  readonly negativeTtlSeconds: number;
  /** Seconds past freshness an answer may still be served while the directory is unavailable. */
  readonly staleGraceSeconds: number;
}

/**
 * Read-through cache in front of any directory.
 * - Concurrent misses for one key share a single directory lookup (single flight per instance).
 * - When the directory is unavailable, a stale answer within the grace period is served instead.
 */
export class CachedDirectory implements AccountDirectory {
  private readonly inFlight = new Map<string, Promise<DirectoryAnswer>>();

  constructor(
    private readonly source: AccountDirectory,
    private readonly cache: LookupCache,
    private readonly policy: CachePolicy,
    private readonly now: () => number = Date.now,
  ) {}

  async lookup(query: AccountQuery): Promise<DirectoryAnswer> {
    const cached = await this.cache.get(query);
    if (cached !== undefined && cached.freshUntil > this.now()) return cached.answer;
    const key = cacheKeyOf(query);
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending;
    const lookup = this.refresh(query, cached).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, lookup);
    return lookup;
  }

  /** Drops cached answers so an admin's change takes effect at once. */
  invalidate(scope: InvalidationScope): Promise<void> {
    return this.cache.invalidate(scope);
  }

  private async refresh(query: AccountQuery, stale: CachedAnswer | undefined): Promise<DirectoryAnswer> {
    let answer: DirectoryAnswer;
    try {
      answer = await this.source.lookup(query);
    } catch (error) {
      if (stale !== undefined && error instanceof DirectoryUnavailableError) return stale.answer;
      throw error;
    }
    const positive = answer.hosted && answer.mailbox !== 'unknown';
    const ttl = positive ? this.policy.ttlSeconds : this.policy.negativeTtlSeconds;
    if (ttl > 0) {
      await this.cache.set(query, { answer, freshUntil: this.now() + ttl * 1000 }, ttl + this.policy.staleGraceSeconds);
    }
    return answer;
  }

  async close(): Promise<void> {
    await Promise.all([this.source.close(), this.cache.close()]);
  }
}
