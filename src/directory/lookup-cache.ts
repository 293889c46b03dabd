import type { AccountQuery, DirectoryAnswer } from './account-directory';

/** A cached directory answer and until when it counts as fresh (epoch ms); after that it is stale. */
export interface CachedAnswer {
  readonly answer: DirectoryAnswer;
  readonly freshUntil: number;
}

/** What an admin drops from the cache: one mailbox (its lookup key) or a whole domain. */
export type InvalidationScope = { readonly mailbox: string } | { readonly domain: string };

/**
 * Where directory answers are kept between requests: in process by default, Redis when configured.
 * Implementations never throw: a cache that cannot answer reports a miss and the directory is asked.
 */
export interface LookupCache {
  get(query: AccountQuery): Promise<CachedAnswer | undefined>;
  /** Keeps the entry for `keepSeconds` (fresh TTL plus the stale grace period). */
  set(query: AccountQuery, entry: CachedAnswer, keepSeconds: number): Promise<void>;
  invalidate(scope: InvalidationScope): Promise<void>;
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
