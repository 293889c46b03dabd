import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Redis, Cluster } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface RateLimitSettings {
  readonly points: number;
  readonly durationSeconds: number;
}

/** Where every instance's limiter keeps its counters: the shared cache's Redis, under its own key prefix. */
export interface SharedLimiterStore {
  readonly client: Redis | Cluster;
  /** rateLimitKeyPrefixOf(cache.redis.keyPrefix), beside the cache's other Redis key formats. */
  readonly keyPrefix: string;
}

/**
 * Per-IP limiter: shared through Redis by every instance when Redis is configured, with an
 * in-memory insurance limiter that takes over while Redis is unreachable; in memory otherwise.
 */
export function createRateLimiter(settings: RateLimitSettings, shared: SharedLimiterStore | null): RateLimiterAbstract {
  const options = { points: settings.points, duration: settings.durationSeconds, keyPrefix: shared?.keyPrefix ?? 'rl' };
  const memory = new RateLimiterMemory(options);
  if (shared === null) return memory;
  return new RateLimiterRedis({
    ...options,
    storeClient: shared.client,
    insuranceLimiter: memory,
    rejectIfRedisNotReady: true,
  });
}

/** Called when a client is over its limit; renders the protocol's own body. */
export type OnRateLimited = (req: Request, res: Response, retryAfterSeconds: number) => void;

export function rateLimitMiddleware(limiter: RateLimiterAbstract, onLimited: OnRateLimited): RequestHandler {
  return async function rateLimit(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      await limiter.consume(req.ip ?? 'unknown', 1);
      next();
    } catch (rejection: unknown) {
      if (!(rejection instanceof RateLimiterRes)) {
        next();
        return;
      } // limiter failure: never block traffic because of it
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      res.status(429).set('Retry-After', String(retryAfterSeconds));
      onLimited(req, res, retryAfterSeconds);
    }
  };
}
