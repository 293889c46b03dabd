import type { AccountQuery, DirectoryAnswer } from '../directory/account-directory';
import { domainOfTarget, type InvalidationTarget } from './invalidation-target';

/** A cached directory answer and until when it counts as fresh (epoch ms); after that it is stale. */
export interface CachedAnswer {
  readonly answer: DirectoryAnswer;
  readonly freshUntil: number;
}

/**
 * Where directory answers are kept between requests: in process by default, Redis when configured.
 * `get` and `set` never throw: a cache that cannot answer reports a miss and the directory is asked.
 */
export interface LookupCache {
  get(query: AccountQuery): Promise<CachedAnswer | undefined>;
  /** Keeps the entry for `keepSeconds` (fresh TTL plus the stale grace period). */
  set(query: AccountQuery, entry: CachedAnswer, keepSeconds: number): Promise<void>;
  /**
   * Drops the target's entries for every instance sharing the cache. Rejects when that could not be
   * done (shared cache unreachable), so the admin who asked is told and can retry.
   */
  invalidate(target: InvalidationTarget): Promise<void>;
  /**
   * A shared cache calls `listener` for every invalidation made by any instance (this one included),
   * so each instance can drop its own in-process state too.
   */
  onInvalidation?(listener: (target: InvalidationTarget) => void): void;
  /** A shared cache calls `listener` for each command that failed (and so became a miss or a skipped write). */
  onCommandError?(listener: () => void): void;
  /** A shared cache: resolves once it takes commands and hears invalidations, rejects after `timeoutMs`. */
  ready?(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The cache key of a query: `<domain>|<address lookup key>` (empty address for the domain's own
 * answer). Domain first, so a whole domain can be dropped by prefix.
 */
export function cacheKeyOf(query: AccountQuery): string {
  return `${query.domain}|${query.address ?? ''}`;
}

/** The keys an invalidation target covers: an address is an exact key, a domain a key prefix. */
export function cacheKeysOf(target: InvalidationTarget): { readonly exact: string } | { readonly prefix: string } {
  if ('address' in target) return { exact: cacheKeyOf({ domain: domainOfTarget(target), address: target.address }) };
  return { prefix: `${target.domain}|` };
}

/** Whether an invalidation target covers the cache key (see cacheKeyOf). */
export function targetCovers(target: InvalidationTarget, key: string): boolean {
  const keys = cacheKeysOf(target);
  return 'exact' in keys ? key === keys.exact : key.startsWith(keys.prefix);
}
