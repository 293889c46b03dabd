import { AggregatorRegistry } from 'prom-client';
import type { Worker } from 'node:cluster';
import type { MetricsSource } from '../http/metrics-router';
import type { ServiceMetrics } from '../metrics/service-metrics';
import { CLUSTER_CHANNEL, onPrimaryMessage, sendToPrimary, sendToWorker } from './messages';

/** How long a worker waits for the primary's summed metrics; prom-client gives each worker 5 s itself. */
const CLUSTER_METRICS_TIMEOUT_MS = 6_000;

/**
 * In a worker: its registry joins prom-client's cluster aggregation (the primary asks each worker
 * over IPC and sums), and GET /metrics on a worker asks the primary for that sum, so a scrape of the
 * shared port sees the whole process group whichever worker takes it.
 */
export function shareWorkerMetrics(metrics: ServiceMetrics): MetricsSource {
  // prom-client answers the primary's requests from a worker only once an AggregatorRegistry was made there.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([metrics.registry]);
  const pending = new Map<
    number,
    { resolve: (text: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >();
  let nextId = 1;
  onPrimaryMessage((message) => {
    if (message.type !== 'cluster-metrics') return;
    const waiting = pending.get(message.id);
    if (waiting === undefined) return;
    pending.delete(message.id);
    clearTimeout(waiting.timer);
    if (message.text !== null) waiting.resolve(message.text);
    else waiting.reject(new Error(message.problem ?? 'the cluster primary sent no metrics'));
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error('the cluster primary did not send the metrics in time'));
      }, CLUSTER_METRICS_TIMEOUT_MS);
      pending.set(id, { resolve, reject, timer });
      sendToPrimary({ channel: CLUSTER_CHANNEL, type: 'metrics-request', id });
    });
}

/** In the primary: every worker's metrics summed (prom-client's AggregatorRegistry), for a port of its own or a worker that asks. */
export function createClusterMetrics(): {
  readonly source: MetricsSource;
  readonly answerWorker: (worker: Worker, id: number) => void;
} {
  const aggregator = new AggregatorRegistry();
  const source: MetricsSource = async () => await aggregator.clusterMetrics();
  return {
    source,
    answerWorker: (worker, id) => {
      source().then(
        (text) => sendToWorker(worker, { channel: CLUSTER_CHANNEL, type: 'cluster-metrics', id, text, problem: null }),
        (error: unknown) =>
          sendToWorker(worker, {
            channel: CLUSTER_CHANNEL,
            type: 'cluster-metrics',
            id,
            text: null,
            problem: error instanceof Error ? error.message : String(error),
          }),
      );
    },
  };
}
