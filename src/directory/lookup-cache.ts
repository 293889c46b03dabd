import type { AccountQuery, DirectoryAnswer } from './account-directory';

/**
 * Where directory answers are kept between requests: in process by default, Redis when configured.
 * Implementations never throw: a cache that cannot answer reports a miss and the directory is asked.
 */
export interface LookupCache {
  get(query: AccountQuery): Promise<DirectoryAnswer | undefined>;
  set(query: AccountQuery, answer: DirectoryAnswer, ttlSeconds: number): Promise<void>;
  close(): Promise<void>;
}

/** The cache key of a query; one builder so every cache agrees. */
export function cacheKeyOf(query: AccountQuery): string {
  return query.mailbox === null ? `domain:${query.domain}` : `mailbox:${query.mailbox}`;
}
