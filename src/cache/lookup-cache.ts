import type { AccountQuery, DirectoryAnswer } from '../directory/account-directory';

/** A cached directory answer and until when it counts as fresh (epoch ms); after that it is stale. */
export interface CachedAnswer {
  readonly answer: DirectoryAnswer;
  readonly freshUntil: number;
}

/** What an admin drops from the cache: one mailbox (its lookup key) or a whole domain. */
export type InvalidationScope = { readonly mailbox: string } | { readonly domain: string };

/**
 * Where directory answers are kept between requests: in process by default, Redis when configured.
 * `get` and `set` never throw: a cache that cannot answer reports a miss and the directory is asked.
 */
export interface LookupCache {
  get(query: AccountQuery): Promise<CachedAnswer | undefined>;
  /** Keeps the entry for `keepSeconds` (fresh TTL plus the stale grace period). */
  set(query: AccountQuery, entry: CachedAnswer, keepSeconds: number): Promise<void>;
  /**
   * Drops the scope's entries for every instance sharing the cache. Rejects when that could not be
   * done (shared cache unreachable), so the admin who asked is told and can retry.
   */
  invalidate(scope: InvalidationScope): Promise<void>;
  /**
   * A shared cache calls `listener` for every invalidation made by any instance (this one included),
   * so each instance can drop its own in-process state too.
   */
  onInvalidation?(listener: (scope: InvalidationScope) => void): void;
  close(): Promise<void>;
}

/**
 * The cache key of a query: `<domain>|<mailbox lookup key>` (empty mailbox for the domain's own
 * answer). Domain first, so a whole domain can be dropped by prefix.
 */
export function cacheKeyOf(query: AccountQuery): string {
  return `${query.domain}|${query.mailbox ?? ''}`;
}

/** The key prefix covering an invalidation scope; a mailbox scope is an exact key. */
export function cacheKeysOf(scope: InvalidationScope): { readonly exact: string } | { readonly prefix: string } {
  if ('mailbox' in scope) {
    const domain = scope.mailbox.slice(scope.mailbox.lastIndexOf('@') + 1);
    return { exact: cacheKeyOf({ domain, mailbox: scope.mailbox }) };
  }
  return { prefix: `${scope.domain}|` };
}

/** Whether an invalidation scope covers the cache key (see cacheKeyOf). */
export function scopeCovers(scope: InvalidationScope, key: string): boolean {
  const keys = cacheKeysOf(scope);
  return 'exact' in keys ? key === keys.exact : key.startsWith(keys.prefix);
}
