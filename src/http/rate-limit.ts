import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction } from 'express';
import type { NodeHandler } from './fast-lane';
import type { Redis, Cluster } from 'ioredis';
import {
  RateLimiterCluster,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';

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

/** A cluster primary that does not answer in this long lets the request through (see rateLimitMiddleware). */
const CLUSTER_LIMITER_TIMEOUT_MS = 1_000;

/**
 * Per-IP limiter: shared through Redis by every instance when Redis is configured, with an
 * in-memory insurance limiter that takes over while Redis is unreachable; in memory otherwise.
 * In a cluster worker (`acrossWorkers`) that memory is the primary's (RateLimiterCluster), so the
 * workers of one instance spend one budget.
 */
export function createRateLimiter(
  settings: RateLimitSettings,
  shared: SharedLimiterStore | null,
  acrossWorkers = false,
): RateLimiterAbstract {
  const options = { points: settings.points, duration: settings.durationSeconds, keyPrefix: shared?.keyPrefix ?? 'rl' };
  const local = acrossWorkers
    ? new RateLimiterCluster({ ...options, timeoutMs: CLUSTER_LIMITER_TIMEOUT_MS })
    : new RateLimiterMemory(options);
  if (shared === null) return local;
  return new RateLimiterRedis({
    ...options,
    storeClient: shared.client,
    insuranceLimiter: local,
    rejectIfRedisNotReady: true,
  });
}

/** Called when a client is over its limit; sends the protocol's own 429 answer. */
export type OnRateLimited = (res: ServerResponse, retryAfterSeconds: number) => void;

/**
 * One point per request from the client's IP (`clientAddress`: Express's req.ip, ExpressBridge);
 * `limiter` is shared, so every path spends the same budget.
 */
export function rateLimitMiddleware(
  limiter: RateLimiterAbstract,
  clientAddress: (req: IncomingMessage) => string,
  onLimited: OnRateLimited,
): NodeHandler {
  return async function rateLimit(req: IncomingMessage, res: ServerResponse, next: NextFunction): Promise<void> {
    try {
      await limiter.consume(clientAddress(req), 1);
      next();
    } catch (rejection: unknown) {
      if (!(rejection instanceof RateLimiterRes)) {
        next();
        return;
      } // limiter failure: never block traffic because of it
      onLimited(res, Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
    }
  };
}
