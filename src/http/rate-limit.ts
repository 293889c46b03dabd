import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction } from 'express';
import type { NodeHandler } from './fast-lane';
import type { Redis, Cluster } from 'ioredis';
import proxyAddr from 'proxy-addr';
import {
  RLWrapperBlackAndWhite,
  RateLimiterCluster,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';

/**
 * What the service asks of a limiter: a point per request, refused with a RateLimiterRes past the
 * budget. Every rate-limiter-flexible limiter and wrapper does it.
 */
export interface RequestLimiter {
  consume(key: string, points?: number): Promise<RateLimiterRes>;
}

export interface RateLimitSettings {
  readonly points: number;
  readonly durationSeconds: number;
  /** IPs and CIDR subnets never limited (validated at start-up). */
  readonly allowlist: readonly string[];
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
): RequestLimiter {
  const options = { points: settings.points, duration: settings.durationSeconds, keyPrefix: shared?.keyPrefix ?? 'rl' };
  const local = acrossWorkers
    ? new RateLimiterCluster({ ...options, timeoutMs: CLUSTER_LIMITER_TIMEOUT_MS })
    : new RateLimiterMemory(options);
  const limiter =
    shared === null
      ? local
      : new RateLimiterRedis({
          ...options,
          storeClient: shared.client,
          insuranceLimiter: local,
          rejectIfRedisNotReady: true,
        });
  return withAllowlist(limiter, settings.allowlist);
}

/**
 * The limiter, but clients in `allowlist` always pass without spending points (rate-limiter-flexible's
 * own wrapper; the addresses matched by proxy-addr, as Express matches trusted proxies, IPv4-mapped
 * IPv6 included).
 */
function withAllowlist(limiter: RateLimiterAbstract, allowlist: readonly string[]): RequestLimiter {
  if (allowlist.length === 0) return limiter;
  const allowed = proxyAddr.compile([...allowlist]);
  return new RLWrapperBlackAndWhite({
    limiter,
    isWhiteListed: (key: unknown) => typeof key === 'string' && allowed(key, 0),
  });
}

/** Called when a client is over its limit; sends the protocol's own 429 answer. */
export type OnRateLimited = (res: ServerResponse, retryAfterSeconds: number) => void;

/**
 * One point per request from the client's IP (`clientAddress`: Express's req.ip, ExpressBridge);
 * `limiter` is shared, so every path spends the same budget.
 */
export function rateLimitMiddleware(
  limiter: RequestLimiter,
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
