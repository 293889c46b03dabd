import { z } from 'zod';

/** How directory answers are cached (`cache` in the config file). */
export const cacheSchema = z
  .strictObject({
    /** Seconds a found account (or a domain's default) stays fresh. */
    ttlSeconds: z.int().min(0).max(86400).default(300),
    /** Seconds an unknown mailbox or domain stays fresh; shorter, so new accounts appear soon. */
    negativeTtlSeconds: z.int().min(0).max(86400).default(60),
    /** Seconds past freshness an answer is still served while the directory is unavailable. */
    staleGraceSeconds: z.int().min(0).max(7 * 86400).default(3600),
    /** In-process cache size bound (entries). */
    maxEntries: z.int().min(1).max(10_000_000).default(100_000),
  })
  .prefault({});
