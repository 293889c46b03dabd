import { AggregatorRegistry, Histogram, Registry } from 'prom-client';
import { OneLabelHistogram } from '../../src/metrics/latency-histogram';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.25, 1];

/** prom-client's own Histogram and ours, each in a registry of its own, fed the same observations. */
function pair(): {
  readonly ours: OneLabelHistogram;
  readonly theirs: Histogram;
  readonly registries: [Registry, Registry];
} {
  const registries: [Registry, Registry] = [new Registry(), new Registry()];
  const config = { name: 'latency_seconds', help: 'Latency.', buckets: BUCKETS };
  const ours = new OneLabelHistogram({ ...config, labelName: 'protocol', registers: [registries[0]] });
  const theirs = new Histogram({ ...config, labelNames: ['protocol'], registers: [registries[1]] });
  return { ours, theirs, registries };
}

// Bucket bounds, values just either side of them, and values past the last bound.
const OBSERVATIONS: ReadonlyArray<readonly [string, number]> = [
  ['autoconfig', 0],
  ['autoconfig', 0.0005],
  ['autoconfig', 0.00050001],
  ['autodiscover', 0.001],
  ['autodiscover', 0.0042],
  ['autoconfig', 0.25],
  ['mobileconfig', 1],
  ['mobileconfig', 1.5],
  ['autoconfig', 30],
];

/** prom-client puts `exemplar: null` on bucket values it never gave one; ours has no exemplars at all. */
function withoutEmptyExemplars(metrics: unknown): unknown {
  return JSON.parse(
    JSON.stringify(metrics, (key, value: unknown) => (key === 'exemplar' && value === null ? undefined : value)),
  );
}

describe('OneLabelHistogram: prom-client Histogram output, counted without its per-observation cost', () => {
  test('the text and JSON exposition are identical to prom-client’s for the same observations', async () => {
    const { ours, theirs, registries } = pair();
    for (const [protocol, seconds] of OBSERVATIONS) {
      ours.record(protocol, seconds);
      theirs.observe({ protocol }, seconds);
    }
    expect(await registries[0].metrics()).toBe(await registries[1].metrics());
    expect(withoutEmptyExemplars(await registries[0].getMetricsAsJSON())).toEqual(
      withoutEmptyExemplars(await registries[1].getMetricsAsJSON()),
    );
    expect(await registries[0].metrics()).toContain('latency_seconds_bucket{le="0.0005",protocol="autoconfig"} 2');
  });

  test('zero() lists a series at 0 before its first observation, like prom-client', async () => {
    const { ours, theirs, registries } = pair();
    ours.zero({ protocol: 'pacc' });
    theirs.zero({ protocol: 'pacc' });
    expect(await registries[0].metrics()).toBe(await registries[1].metrics());
    expect(await registries[0].metrics()).toContain('latency_seconds_count{protocol="pacc"} 0');
  });

  test('reset() forgets every series', async () => {
    const { ours, registries } = pair();
    ours.record('autoconfig', 0.1);
    ours.reset();
    expect(await registries[0].metrics()).not.toContain('protocol="autoconfig"');
  });

  test('the inherited observe() refuses, since what it counted would never be exported', () => {
    const { ours } = pair();
    expect(() => ours.observe({ protocol: 'autoconfig' }, 0.1)).toThrow(/record\(\)/);
  });

  test('cluster workers’ histograms sum bucket by bucket in prom-client’s AggregatorRegistry', async () => {
    const first = pair();
    const second = pair();
    first.ours.record('autoconfig', 0.0001);
    second.ours.record('autoconfig', 0.2);
    second.ours.record('autodiscover', 3);
    const summed = AggregatorRegistry.aggregate([
      await first.registries[0].getMetricsAsJSON(),
      await second.registries[0].getMetricsAsJSON(),
    ]);
    const text = await summed.metrics();
    expect(text).toContain('latency_seconds_bucket{le="0.0005",protocol="autoconfig"} 1');
    expect(text).toContain('latency_seconds_bucket{le="0.25",protocol="autoconfig"} 2');
    expect(text).toContain('latency_seconds_count{protocol="autoconfig"} 2');
    expect(text).toContain('latency_seconds_bucket{le="1",protocol="autodiscover"} 0');
    expect(text).toContain('latency_seconds_count{protocol="autodiscover"} 1');
  });
});
