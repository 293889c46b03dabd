import { dirname, resolve } from 'node:path';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { RequestLimiter } from './http/rate-limit';
import { buildApp } from './app';
import { CachedDirectory } from './cache/cached-directory';
import { createLookupCache, type CreatedCache } from './cache/create-lookup-cache';
import type { LookupCache } from './cache/lookup-cache';
import { rateLimitKeyPrefixOf } from './cache/redis-format';
import type { LoadedConfig } from './config/load';
import type { AppConfig } from './config/schema';
import type { AccountDirectory } from './directory/account-directory';
import { createDirectorySource } from './directory/create-directory-source';
import { OutageLoggedDirectory } from './directory/outage-logged-directory';
import { TimedDirectory } from './directory/timed-directory';
import { Readiness } from './health/readiness';
import type { MetricsSource } from './http/metrics-router';
import { createRateLimiter } from './http/rate-limit';
import { createServiceMetrics, type ServiceMetrics } from './metrics/service-metrics';
import { err, ok, type Result } from './model/result';
import { ProfileSigner } from './protocols/mobileconfig/profile-signer';

/** What tests and benches may replace; production passes none. */
export interface CompositionSeams {
  /** Clock for Autodiscover error timestamps (golden tests fix it). */
  readonly now?: () => Date;
  /** Clock of the cache, epoch ms (fault tests move it past the TTL). */
  readonly cacheClock?: () => number;
  /** The per-IP limiter, instead of the one config chooses (tests that count its budget). */
  readonly rateLimiter?: RequestLimiter;
  /** false: every request through Express's router (the fast lane's comparison tests and bench). */
  readonly fastLane?: boolean;
}

/**
 * In a cluster worker: what it shares with the other workers through the primary where Redis does not
 * share it. Without it (one process) everything stays in process.
 */
export interface WorkerSharing {
  /** The in-process cache, made to spread its invalidations to every worker's and hear theirs. */
  readonly relayInvalidations: (cache: LookupCache) => LookupCache;
  /** Hands this worker's metrics to the primary's aggregation; returns what `/metrics` serves: every worker's, summed there. */
  readonly shareMetrics: (metrics: ServiceMetrics) => MetricsSource;
}

/** The service as configured: the app, and the parts tests look into. */
export interface Service {
  readonly app: Express;
  /** The account directory with its cache in front. */
  readonly directory: CachedDirectory;
  readonly cache: LookupCache;
  readonly rateLimiter: RequestLimiter;
  /** What `/readyz` answers from; serve.ts marks it draining on SIGTERM. */
  readonly readiness: Readiness;
  /** The service's metrics (null with metrics.enabled false), and what `/metrics` serves. */
  readonly metrics: { readonly metrics: ServiceMetrics; readonly source: MetricsSource } | null;
  /** Resolves once a shared cache takes commands and hears invalidations (at once in process). */
  ready(timeoutMs: number): Promise<void>;
  /** Closes the directory source and the cache (the app holds nothing else). */
  close(): Promise<void>;
}

/**
 * The composition root, used by main.ts, the tests and the benches: the directory source and the
 * cache chosen in config, the outage log, the rate limiter and the app. Problems are returned, not
 * thrown, so main can list them all (source problems first, then the cache's).
 */
export async function composeService(
  loaded: LoadedConfig,
  logger: Logger,
  seams: CompositionSeams = {},
  workerSharing: WorkerSharing | null = null,
): Promise<Result<Service, string[]>> {
  const signer = openProfileSigner(loaded.config, dirname(loaded.configFile ?? resolve('.')), logger);
  if (!signer.ok) return signer;
  const source = await createDirectorySource(loaded, logger);
  const cache = createLookupCache(loaded.config, logger, seams.cacheClock);
  if (!source.ok || !cache.ok) {
    if (source.ok) await source.value.close();
    if (cache.ok) await cache.value.cache.close();
    return err([...(source.ok ? [] : source.error), ...(cache.ok ? [] : cache.error)]);
  }
  // A Redis cache is one for every worker already, its invalidations reaching all through pub/sub;
  // an in-process cache is per worker, so its invalidations go through the primary.
  const created =
    workerSharing !== null && cache.value.redis === null
      ? { ...cache.value, cache: workerSharing.relayInvalidations(cache.value.cache) }
      : cache.value;
  return ok(assemble(loaded.config, source.value, created, signer.value, logger, seams, workerSharing));
}

/**
 * The same service in front of a given directory source instead of the one config chooses (a test
 * double, a source shared by several instances). Synchronous, so a test module can build its app
 * at load time.
 */
export function composeServiceAround(
  config: AppConfig,
  source: AccountDirectory,
  logger: Logger,
  seams: CompositionSeams = {},
): Result<Service, string[]> {
  // Without a config file, relative signing files are read from the working directory.
  const signer = openProfileSigner(config, resolve('.'), logger);
  if (!signer.ok) return signer;
  const cache = createLookupCache(config, logger, seams.cacheClock);
  if (!cache.ok) return cache;
  return ok(assemble(config, source, cache.value, signer.value, logger, seams));
}

/**
 * The Apple profile signer when `appleProfileSigning` is set, its files read relative to the config
 * file's folder and checked now, so a bad certificate stops the start, not the first download.
 */
function openProfileSigner(
  config: AppConfig,
  configDir: string,
  logger: Logger,
): Result<ProfileSigner | null, string[]> {
  const signing = config.appleProfileSigning;
  if (signing === null) return ok(null);
  return ProfileSigner.open(
    {
      certFile: resolve(configDir, signing.certFile),
      keyFile: resolve(configDir, signing.keyFile),
      chainFile: signing.chainFile === null ? null : resolve(configDir, signing.chainFile),
    },
    { recheckMs: signing.recheckSeconds * 1000, logger },
  );
}

function assemble(
  config: AppConfig,
  source: AccountDirectory,
  { cache, redis }: CreatedCache,
  profileSigner: ProfileSigner | null,
  logger: Logger,
  seams: CompositionSeams,
  workerSharing: WorkerSharing | null = null,
): Service {
  const inClusterWorker = workerSharing !== null;
  const metrics = config.metrics.enabled ? createServiceMetrics() : null;
  const directory = new CachedDirectory(
    new OutageLoggedDirectory(metrics === null ? source : new TimedDirectory(source, metrics), logger),
    cache,
    config.cache,
    seams.cacheClock,
    ...(metrics === null ? [] : [metrics]),
  );
  const readiness = new Readiness(source, () =>
    redis === null ? { kind: 'in-process' } : { kind: 'redis', state: redis.status },
  );
  const metricsSource =
    metrics === null ? null : (workerSharing?.shareMetrics(metrics) ?? (() => metrics.registry.metrics()));
  // A reloaded account file drops the cached answers of the domains it changed.
  source.onChange?.((domains) => {
    for (const domain of domains) {
      directory
        .invalidate({ domain })
        .catch((error: unknown) => logger.warn({ err: error, domain }, 'cannot drop cached answers after a reload'));
    }
  });
  const rateLimiter =
    seams.rateLimiter ??
    createRateLimiter(
      config.rateLimit,
      redis === null ? null : { client: redis, keyPrefix: rateLimitKeyPrefixOf(config.cache.redis.keyPrefix) },
      // Only a limiter in use may ask the primary to set one up.
      inClusterWorker && config.rateLimit.enabled,
    );
  const app = buildApp({
    config,
    directory,
    logger,
    rateLimiter,
    profileSigner,
    ...(seams.now === undefined ? {} : { now: seams.now }),
    ...(seams.fastLane === undefined ? {} : { fastLane: seams.fastLane }),
    readiness,
    ...(metrics === null || metricsSource === null
      ? {}
      : {
          metrics: {
            requestDone: (outcome, seconds) => metrics.requestDone(outcome, seconds),
            // On a port of its own, serve.ts (or the cluster primary) serves it instead.
            source: config.metrics.port === null ? metricsSource : null,
          },
        }),
  });
  return {
    app,
    directory,
    cache,
    rateLimiter,
    readiness,
    metrics: metrics === null || metricsSource === null ? null : { metrics, source: metricsSource },
    ready: async (timeoutMs) => cache.ready?.(timeoutMs),
    close: () => directory.close(),
  };
}
