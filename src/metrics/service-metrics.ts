import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CacheObserver } from '../cache/cached-directory';
import type { DirectoryObserver } from '../directory/timed-directory';
import type { RequestOutcome } from '../http/request-outcome';

/**
 * What the service counts for Prometheus (README "Observe"). Every label takes a value from a fixed
 * set (protocol, outcome, access type, cache result), never anything a client sent, so a client
 * cannot grow the series count.
 */
export interface ServiceMetrics extends CacheObserver, DirectoryObserver {
  readonly registry: Registry;
  /** One finished request: its outcome (none for health, admin and unknown paths) and duration. */
  requestDone(outcome: RequestOutcome | undefined, seconds: number): void;
}

/** Answer latency buckets, seconds: cached answers take well under a millisecond of service time. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export function createServiceMetrics(): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'mail_autodiscover_requests_total',
    help: 'Discovery requests answered, by protocol, outcome and access type ("none" where no account was resolved).',
    labelNames: ['protocol', 'outcome', 'access_type'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'mail_autodiscover_request_duration_seconds',
    help: 'Time from the request to the end of the answer, by protocol ("other" for health, admin and unknown paths).',
    labelNames: ['protocol'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'mail_autodiscover_rate_limited_total',
    help: 'Discovery requests refused by the per-IP rate limit, by protocol.',
    labelNames: ['protocol'] as const,
    registers: [registry],
  });
  const cacheLookups = new Counter({
    name: 'mail_autodiscover_cache_lookups_total',
    help: 'Account lookups by cache result: hit (fresh), miss (asked the directory), stale (served past freshness while the directory was unavailable).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const cacheErrors = new Counter({
    name: 'mail_autodiscover_cache_errors_total',
    help: 'Shared-cache (Redis) commands that failed; each became a miss or a skipped write.',
    registers: [registry],
  });
  const directoryLatency = new Histogram({
    name: 'mail_autodiscover_directory_lookup_duration_seconds',
    help: 'Account directory lookups (cache misses), by result: ok, unavailable (outage) or error (unexpected).',
    labelNames: ['result'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  // Created up front so each series reads 0 before its first event (rate() needs a starting point).
  for (const result of ['hit', 'miss', 'stale'] as const) cacheLookups.inc({ result }, 0);
  for (const result of ['ok', 'unavailable', 'error'] as const) directoryLatency.zero({ result });

  return {
    registry,
    requestDone(outcome, seconds) {
      if (outcome === undefined) {
        latency.observe({ protocol: 'other' }, seconds);
        return;
      }
      const accessType = outcome.outcome === 'settings' ? outcome.accessType : 'none';
      requests.inc({ protocol: outcome.protocol, outcome: outcome.outcome, access_type: accessType });
      latency.observe({ protocol: outcome.protocol }, seconds);
      if (outcome.outcome === 'rate-limited') rateLimited.inc({ protocol: outcome.protocol });
    },
    cacheLookup: (result) => cacheLookups.inc({ result }),
    cacheError: () => cacheErrors.inc(),
    directoryLookup: (result, seconds) => directoryLatency.observe({ result }, seconds),
  };
}
