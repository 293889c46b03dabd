import type { Logger } from 'pino';
import type { LoadedConfig } from './config/load';
import { CachedDirectory } from './cache/cached-directory';
import { createLookupCache } from './cache/create-cache';
import { createDirectorySource } from './directory/create-source';
import { OutageLoggedDirectory } from './directory/outage-logged-directory';
import { createRateLimiter } from './http/rate-limit';
import { RedisLookupCache } from './cache/redis-cache';
import { err, ok, type Result } from './model/result';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

export interface Services {
  /** The account directory with its cache in front: what buildApp needs. */
  readonly directory: CachedDirectory;
  /** Per-IP limiter: shared through the cache's Redis when there is one, in memory otherwise. */
  readonly rateLimiter: RateLimiterAbstract;
  close(): Promise<void>;
}

/** Builds the backends chosen in config; problems are returned, not thrown, so main can list them. */
export async function createServices(loaded: LoadedConfig, logger: Logger): Promise<Result<Services, string[]>> {
  // A reloaded account file drops the cached answers of the domains it changed (set below, once built).
  let dropChanged: (domains: readonly string[]) => void = () => undefined;
  const source = await createDirectorySource(loaded, logger, {
    onReload: (outcome) => {
      if (outcome.ok) dropChanged(outcome.changedDomains);
    },
  });
  const cache = await createLookupCache(loaded.config, logger);
  if (!source.ok || !cache.ok) {
    if (source.ok) await source.value.close();
    if (cache.ok) await cache.value.close();
    return err([...(source.ok ? [] : source.error), ...(cache.ok ? [] : cache.error)]);
  }
  const directory = new CachedDirectory(
    new OutageLoggedDirectory(source.value, logger),
    cache.value,
    loaded.config.cache,
  );
  dropChanged = (domains) => {
    for (const domain of domains) {
      directory
        .invalidate({ domain })
        .catch((error: unknown) => logger.warn({ err: error, domain }, 'cannot drop cached answers after a reload'));
    }
  };
  const redis = cache.value instanceof RedisLookupCache ? cache.value.commandClient : null;
  const keyPrefix = loaded.config.cache.redis.keyPrefix;
  const rateLimiter = createRateLimiter(loaded.config.rateLimit, redis, `${keyPrefix}:v1`);
  return ok({ directory, rateLimiter, close: () => directory.close() });
}
