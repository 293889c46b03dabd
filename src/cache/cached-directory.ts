import {
  DirectoryUnavailableError,
  type AccountDirectory,
  type AccountQuery,
  type DirectoryAnswer,
} from '../directory/account-directory';
import type { InvalidationTarget } from './invalidation-target';
import { cacheKeyOf, targetCovers, type CachedAnswer, type LookupCache } from './lookup-cache';

/** An account directory with a cache in front, whose cached answers an admin can drop. */
export interface InvalidatableDirectory extends AccountDirectory {
  /** Drops cached answers on every instance; rejects when a shared cache cannot be reached. */
  invalidate(target: InvalidationTarget): Promise<void>;
}

export interface CachePolicy {
  /** Seconds a known mailbox or a domain's default answer stays fresh. */
  readonly ttlSeconds: number;
  /** Seconds an unknown mailbox or a domain that is not hosted stays fresh. */
  readonly negativeTtlSeconds: number;
  /** Seconds past freshness an answer may still be served while the directory is unavailable. */
  readonly staleGraceSeconds: number;
}

/** Where a lookup's answer came from; the request log line names it. */
export type CacheResult = 'hit' | 'miss' | 'stale';

/** A directory answer and where it came from. */
export interface ReportedAnswer {
  readonly answer: DirectoryAnswer;
  readonly cache: CacheResult;
}

/** A directory that says where each answer came from (CachedDirectory); discover.ts logs it. */
export interface CacheReportingDirectory extends AccountDirectory {
  lookupReportingCache(query: AccountQuery): Promise<ReportedAnswer>;
}

/** Told what each lookup found in the cache (metrics); the default observer does nothing. */
export interface CacheObserver {
  /** hit: fresh in the cache; miss: not fresh, the directory asked (or a lookup in flight joined); stale: a miss answered from a stale entry because the directory was unavailable. */
  cacheLookup(result: 'hit' | 'miss' | 'stale'): void;
  /** A shared-cache command failed. */
  cacheError(): void;
}

const UNOBSERVED: CacheObserver = { cacheLookup: () => undefined, cacheError: () => undefined };

/**
 * Read-through cache in front of any directory.
 * - Concurrent misses for one key share a single directory lookup (single flight per instance).
 * - When the directory is unavailable, a stale answer within the grace period is served instead.
 * - An invalidation (here, or on another instance through a shared cache) also forgets in-flight
 *   lookups, and answers read before it are returned but not stored, so an admin's change is not
 *   overwritten by a lookup that started just before it.
 */
export class CachedDirectory implements InvalidatableDirectory, CacheReportingDirectory {
  private readonly inFlight = new Map<string, Promise<ReportedAnswer>>();
  /** Counts invalidations; a lookup stores its answer only if none happened while it ran. */
  private generation = 0;

  constructor(
    private readonly source: AccountDirectory,
    private readonly cache: LookupCache,
    private readonly policy: CachePolicy,
    private readonly now: () => number = Date.now,
    private readonly observer: CacheObserver = UNOBSERVED,
  ) {
    cache.onInvalidation?.((target) => this.forgetInFlight(target));
    cache.onCommandError?.(() => observer.cacheError());
  }

  async lookup(query: AccountQuery): Promise<DirectoryAnswer> {
    return (await this.lookupReportingCache(query)).answer;
  }

  async lookupReportingCache(query: AccountQuery): Promise<ReportedAnswer> {
    const cached = await this.cache.get(query);
    if (cached !== undefined && cached.freshUntil > this.now()) {
      this.observer.cacheLookup('hit');
      return { answer: cached.answer, cache: 'hit' };
    }
    this.observer.cacheLookup('miss');
    const key = cacheKeyOf(query);
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending;
    const lookup = this.refresh(query, cached).finally(() => {
      if (this.inFlight.get(key) === lookup) this.inFlight.delete(key);
    });
    this.inFlight.set(key, lookup);
    return lookup;
  }

  /** Drops cached answers so an admin's change takes effect at once. */
  invalidate(target: InvalidationTarget): Promise<void> {
    this.forgetInFlight(target);
    return this.cache.invalidate(target);
  }

  private forgetInFlight(target: InvalidationTarget): void {
    this.generation += 1;
    for (const key of [...this.inFlight.keys()]) {
      if (targetCovers(target, key)) this.inFlight.delete(key);
    }
  }

  private async refresh(query: AccountQuery, stale: CachedAnswer | undefined): Promise<ReportedAnswer> {
    const generation = this.generation;
    let answer: DirectoryAnswer;
    try {
      answer = await this.source.lookup(query);
    } catch (error) {
      if (stale !== undefined && error instanceof DirectoryUnavailableError) {
        this.observer.cacheLookup('stale');
        return { answer: stale.answer, cache: 'stale' };
      }
      throw error;
    }
    const positive = answer.hosted && answer.mailbox !== 'unknown';
    const ttl = positive ? this.policy.ttlSeconds : this.policy.negativeTtlSeconds;
    if (ttl > 0 && generation === this.generation) {
      await this.cache.set(query, { answer, freshUntil: this.now() + ttl * 1000 }, ttl + this.policy.staleGraceSeconds);
    }
    return { answer, cache: 'miss' };
  }

  async close(): Promise<void> {
    await Promise.all([this.source.close(), this.cache.close()]);
  }
}
