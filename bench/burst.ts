/** One autocannon burst and the summary of several, for benches that interleave rounds of bursts. */
import autocannon from 'autocannon';
import { median } from './stats';

export interface Burst {
  readonly requests: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

/** Runs autocannon with `options` (url, connections, duration, requests, …) and keeps what the tables print. */
export async function runBurst(options: autocannon.Options): Promise<Burst> {
  // autocannon stops at a sample tick: sample often, so a burst lasts about `duration`.
  const result = await autocannon({ sampleInt: 100, ...options });
  return {
    requests: result.requests.total,
    seconds: (result.finish.getTime() - result.start.getTime()) / 1000,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

export interface BurstSummary {
  readonly requests: number;
  /** Requests over time, both summed across the bursts. */
  readonly perSecond: number;
  /** Medians of the bursts' p50 and p99. */
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

export function summariseBursts(bursts: readonly Burst[]): BurstSummary {
  const sum = (pick: (burst: Burst) => number): number => bursts.reduce((total, one) => total + pick(one), 0);
  return {
    requests: sum((one) => one.requests),
    perSecond: sum((one) => one.requests) / sum((one) => one.seconds),
    p50: median(bursts.map((one) => one.p50)),
    p99: median(bursts.map((one) => one.p99)),
    non2xx: sum((one) => one.non2xx),
    errors: sum((one) => one.errors),
  };
}
