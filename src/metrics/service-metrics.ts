import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import type { CacheObserver } from '../cache/cached-directory';
import type { DirectoryObserver } from '../directory/timed-directory';
import type { RequestOutcome } from '../http/request-outcome';
import { OneLabelHistogram } from './latency-histogram';

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

/**
 * Counts kept in plain numbers between scrapes and handed to a prom-client Counter when it is read
 * (its `collect` hook): prom-client hashes the label set on every `inc`, which cost a request about
 * a tenth of its CPU on the bench. Here a request finds its number through nested Maps keyed by
 * the label values (up to three), allocating nothing once its label set has been seen.
 */
class PendingCounts {
  private readonly root = new Map<string, Map<string, Map<string, PendingCount>>>();
  private readonly all: PendingCount[] = [];

  constructor(private readonly labelNames: readonly string[]) {}

  add(first: string, second = '', third = ''): void {
    let seconds = this.root.get(first);
    if (seconds === undefined) this.root.set(first, (seconds = new Map<string, Map<string, PendingCount>>()));
    let thirds = seconds.get(second);
    if (thirds === undefined) seconds.set(second, (thirds = new Map<string, PendingCount>()));
    const entry = thirds.get(third);
    if (entry !== undefined) {
      entry.count += 1;
      return;
    }
    const values = [first, second, third];
    const labels = Object.fromEntries(this.labelNames.map((name, at) => [name, values[at] ?? '']));
    const created = { labels, count: 1 };
    thirds.set(third, created);
    this.all.push(created);
  }

  /** Moves the counts into `counter` (the labels stay known, so their series stay listed). */
  flushInto(counter: { inc(labels: Record<string, string>, value: number): void }): void {
    for (const entry of this.all) {
      if (entry.count === 0) continue;
      counter.inc(entry.labels, entry.count);
      entry.count = 0;
    }
  }
}

interface PendingCount {
  readonly labels: Record<string, string>;
  count: number;
}

export function createServiceMetrics(): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const pendingRequests = new PendingCounts(['protocol', 'outcome', 'access_type']);
  const pendingRateLimited = new PendingCounts(['protocol']);
  const pendingCacheLookups = new PendingCounts(['result']);
  new Counter({
    name: 'mail_autodiscover_requests_total',
    help: 'Discovery requests answered, by protocol, outcome and access type ("none" where no account was resolved).',
    labelNames: ['protocol', 'outcome', 'access_type'] as const,
    registers: [registry],
    collect() {
      pendingRequests.flushInto(this);
    },
  });
  const latency = new OneLabelHistogram({
    name: 'mail_autodiscover_request_duration_seconds',
    help: 'Time from the request to the end of the answer, by protocol ("other" for health, admin and unknown paths).',
    labelName: 'protocol',
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  new Counter({
    name: 'mail_autodiscover_rate_limited_total',
    help: 'Discovery requests refused by the per-IP rate limit, by protocol.',
    labelNames: ['protocol'] as const,
    registers: [registry],
    collect() {
      pendingRateLimited.flushInto(this);
    },
  });
  const cacheLookups = new Counter({
    name: 'mail_autodiscover_cache_lookups_total',
    help: 'Account lookups by cache result: hit (fresh), miss (asked the directory), stale (served past freshness while the directory was unavailable).',
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      pendingCacheLookups.flushInto(this);
    },
  });
  const cacheErrors = new Counter({
    name: 'mail_autodiscover_cache_errors_total',
    help: 'Shared-cache (Redis) commands that failed; each became a miss or a skipped write.',
    registers: [registry],
  });
  const directoryLatency = new OneLabelHistogram({
    name: 'mail_autodiscover_directory_lookup_duration_seconds',
    help: 'Account directory lookups (cache misses), by result: ok, unavailable (outage) or error (unexpected).',
    labelName: 'result',
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
        latency.record('other', seconds);
        return;
      }
      const { protocol } = outcome;
      const accessType = outcome.outcome === 'settings' ? outcome.accessType : 'none';
      pendingRequests.add(protocol, outcome.outcome, accessType);
      latency.record(protocol, seconds);
      if (outcome.outcome === 'rate-limited') pendingRateLimited.add(protocol);
    },
    cacheLookup: (result) => pendingCacheLookups.add(result),
    cacheError: () => cacheErrors.inc(),
    directoryLookup: (result, seconds) => directoryLatency.record(result, seconds),
  };
}
