import type { Logger } from 'pino';
import { redisConfigured } from '../config/cache-schema';
import type { AppConfig } from '../config/schema';
import { err, ok, type Result } from '../model/result';
import type { LookupCache } from './lookup-cache';
import { MemoryLookupCache } from './memory-cache';
import { RedisLookupCache } from './redis-cache';
import { describeRedisTarget, type RedisClient } from './redis-client';

export interface CreatedCache {
  readonly cache: LookupCache;
  /** The cache's Redis command connection, which other shared state (the rate limiter) uses too; null in process. */
  readonly redis: RedisClient | null;
}

/**
 * The lookup cache chosen in config: Redis, shared by every instance, when `cache.redis` names a
 * server (or REDIS_URL is set), a Sentinel group or a cluster; otherwise in-process. Redis need not
 * be up at start-up: until it answers, lookups go to the directory. `now` is the in-process cache's clock.
 */
export function createLookupCache(
  config: AppConfig,
  logger: Logger,
  now: () => number = Date.now,
): Result<CreatedCache, string[]> {
  const redis = config.cache.redis;
  if (!redisConfigured(redis)) return ok({ cache: new MemoryLookupCache(config.cache.maxEntries, now), redis: null });
  try {
    const cache = RedisLookupCache.connect(redis, logger);
    logger.info({ redis: describeRedisTarget(redis), keyPrefix: redis.keyPrefix }, 'lookup cache: Redis');
    return ok({ cache, redis: cache.commandClient });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return err([`cache.redis: cannot set up the Redis client for ${describeRedisTarget(redis)}: ${reason}`]);
  }
}
