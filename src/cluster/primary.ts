import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { RateLimiterClusterMaster } from 'rate-limiter-flexible';
import { exitAfterLogFlush } from '../http/stdout-destination';
import { describeListenFailure, PORT_SETTINGS } from '../http/listen-failure';
import { createMetricsServer } from '../http/metrics-router';
import { createClusterMetrics } from './cluster-metrics';
import { InvalidationFanOut } from './invalidation-fan-out';
import { asWorkerMessage, CLUSTER_CHANNEL, sendToWorker, SHUTDOWN_SIGNALS, type ShutdownSignal } from './messages';

export interface PrimaryOptions {
  /** Worker processes to keep running (server.workers). */
  readonly workers: number;
  /** server.shutdownTimeoutMs: how long each worker lets in-flight requests finish. */
  readonly shutdownTimeoutMs: number;
  readonly logger: Logger;
  /** With metrics on: every worker's summed; on `port` (server.host) when metrics have a port of their own. */
  readonly metrics: { readonly host: string; readonly port: number | null; readonly token: string | null } | null;
}

const FIRST_RESTART_DELAY_MS = 100;
const MAX_RESTART_DELAY_MS = 30_000;
/** A worker that ran this long was healthy: a death after it starts the back-off over. */
export const STABLE_RUN_MS = 30_000;
/**
 * A draining worker exits by itself within shutdownTimeoutMs + 5 s (serve.ts); the primary waits that
 * and this margin more, then kills what is left.
 */
const WORKER_EXIT_MARGIN_MS = 6_000;

/**
 * The wait before replacing a dead worker, given how many workers died in a row without running
 * STABLE_RUN_MS (this one included): 100 ms, 200 ms, 400 ms … at most 30 s. A worker that crashes at
 * once costs a fork every 30 s at worst, never a hot loop.
 */
export function restartDelayMs(quickDeathsInARow: number): number {
  const doublings = Math.min(Math.max(quickDeathsInARow - 1, 0), 20);
  return Math.min(FIRST_RESTART_DELAY_MS * 2 ** doublings, MAX_RESTART_DELAY_MS);
}

/**
 * The cluster primary (server.workers > 1): forks the workers, which run the same service on shared
 * listeners (node:cluster hands connections out round-robin), and serves nothing itself. It
 * - holds the per-IP rate limit counters for every worker (rate-limiter-flexible's
 *   RateLimiterClusterMaster), so a client has one budget however its connections are spread;
 * - relays cache invalidations to every worker (InvalidationFanOut);
 * - replaces a worker that dies, with a back-off (restartDelayMs); a worker that dies before the
 *   first start-up completed stops everything with exit 1 (its output says why);
 * - relays SIGTERM/SIGINT to the workers, which drain as a single process does, and exits when they
 *   have: 0 if all exited cleanly, 1 otherwise or if they outlast the shutdown bound; a second
 *   signal makes them exit at once and exits 130.
 */
export function runPrimary({ workers, shutdownTimeoutMs, logger, metrics }: PrimaryOptions): void {
  // One instance per process (the class keeps a singleton); it answers its workers' IPC by itself.
  new RateLimiterClusterMaster();
  const clusterMetrics = metrics === null ? null : createClusterMetrics();
  const metricsServer =
    clusterMetrics === null || metrics?.port == null ? null : createMetricsServer(clusterMetrics.source, metrics.token);
  if (metricsServer !== null && metrics?.port != null) {
    const { host, port } = metrics;
    metricsServer.on('error', (error) => {
      const code = (error as NodeJS.ErrnoException).code;
      logger.fatal({ host, port, code }, describeListenFailure(error, host, port, PORT_SETTINGS.metrics));
      exitAfterLogFlush(logger, 1);
    });
    metricsServer.listen(port, host, () => logger.info({ host, port }, 'metrics listening'));
  }
  const live = new Map<number, { readonly worker: Worker; readonly startedAt: number }>();
  const liveWorkers = (): Worker[] => [...live.values()].map(({ worker }) => worker);
  const fanOut = new InvalidationFanOut(logger, liveWorkers);
  const everReady = new Set<number>();
  const restartTimers = new Set<NodeJS.Timeout>();
  let startingUp = true;
  let quickDeathsInARow = 0;
  let stopping = false;
  let exitCode = 0;

  const fork = (): void => {
    const worker = cluster.fork();
    live.set(worker.id, { worker, startedAt: Date.now() });
  };

  const finishIfAllGone = (): void => {
    if (live.size > 0) return;
    logger.info({ exitCode }, 'stopped');
    exitAfterLogFlush(logger, exitCode);
  };

  const stop = (signal: ShutdownSignal): void => {
    stopping = true;
    metricsServer?.close();
    for (const timer of restartTimers) clearTimeout(timer);
    restartTimers.clear();
    for (const worker of liveWorkers()) sendToWorker(worker, { channel: CLUSTER_CHANNEL, type: 'shutdown', signal });
    setTimeout(() => {
      logger.error({ workers: live.size }, 'cluster: workers did not exit in time; killing them');
      for (const worker of liveWorkers()) worker.process.kill('SIGKILL');
      exitAfterLogFlush(logger, 1);
    }, shutdownTimeoutMs + WORKER_EXIT_MARGIN_MS).unref();
    finishIfAllGone();
  };

  cluster.on('message', (worker, raw) => {
    const message = asWorkerMessage(raw);
    if (message === null) return;
    switch (message.type) {
      case 'ready':
        everReady.add(worker.id);
        if (startingUp && everReady.size === workers) {
          startingUp = false;
          logger.info(
            { workers, workerPids: liveWorkers().map((one) => one.process.pid) },
            'cluster: every worker is listening',
          );
        }
        return;
      case 'invalidate':
        fanOut.relay(worker, message.id, message.target);
        return;
      case 'invalidation-applied':
        fanOut.applied(worker, message.id);
        return;
      case 'metrics-request':
        clusterMetrics?.answerWorker(worker, message.id);
        return;
    }
  });

  cluster.on('exit', (worker, code: number | null, signal: string | null) => {
    const ranMs = Date.now() - (live.get(worker.id)?.startedAt ?? Date.now());
    live.delete(worker.id);
    fanOut.workerGone(worker);
    const exit = { workerPid: worker.process.pid, code, signal };
    if (stopping) {
      if (code !== 0) exitCode = 1;
      finishIfAllGone();
      return;
    }
    if (startingUp) {
      logger.fatal(exit, 'cluster: a worker exited while starting (its output above says why); stopping');
      exitCode = 1;
      stop('SIGTERM');
      return;
    }
    quickDeathsInARow = ranMs < STABLE_RUN_MS ? quickDeathsInARow + 1 : 1;
    const delayMs = restartDelayMs(quickDeathsInARow);
    logger.error(
      { ...exit, ranSeconds: Math.round(ranMs / 1000), restartInMs: delayMs },
      'cluster: worker exited unexpectedly; starting a replacement',
    );
    const timer = setTimeout(() => {
      restartTimers.delete(timer);
      fork();
    }, delayMs);
    restartTimers.add(timer);
  });

  let signalled = false;
  for (const signal of SHUTDOWN_SIGNALS) {
    process.on(signal, () => {
      if (signalled) {
        logger.warn({ signal }, 'second signal: workers exit now');
        for (const worker of liveWorkers())
          sendToWorker(worker, { channel: CLUSTER_CHANNEL, type: 'exit-now', signal });
        // A worker whose primary is gone exits by itself (node:cluster), should the message not arrive.
        exitAfterLogFlush(logger, 130);
        return;
      }
      signalled = true;
      logger.info(
        { signal, timeoutMs: shutdownTimeoutMs, workers: live.size },
        'shutting down: workers drain in-flight requests',
      );
      stop(signal);
    });
  }

  logger.info({ workers }, 'cluster: starting workers');
  for (let i = 0; i < workers; i++) fork();
}
