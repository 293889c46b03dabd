import type { Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { domainOfTarget, type InvalidationTarget } from '../cache/invalidation-target';
import { CLUSTER_CHANNEL, sendToWorker } from './messages';

/** How long the primary waits for every worker to confirm an invalidation (a worker gone counts as done). */
export const RELAY_ACK_TIMEOUT_MS = 3_000;

interface FanOut {
  readonly origin: Worker;
  readonly originId: number;
  /** Ids of the workers that have not confirmed yet. */
  readonly waitingFor: Set<number>;
  readonly timer: NodeJS.Timeout;
}

/**
 * The primary's half of RelayedLookupCache: an `invalidate` from one worker goes to every live worker
 * (the sender included) as `apply-invalidation`; once all confirmed, or exited, the sender is told
 * `invalidation-relayed`, with `everyWorker: false` if some did not answer in time.
 */
export class InvalidationFanOut {
  private readonly fanOuts = new Map<number, FanOut>();
  private nextId = 1;

  constructor(
    private readonly logger: Logger,
    private readonly liveWorkers: () => readonly Worker[],
  ) {}

  /** Starts a fan-out for `origin`'s request `originId`. */
  relay(origin: Worker, originId: number, target: InvalidationTarget): void {
    const id = this.nextId++;
    const workers = this.liveWorkers().filter((worker) => worker.isConnected());
    const timer = setTimeout(() => this.finish(id, false), RELAY_ACK_TIMEOUT_MS);
    this.fanOuts.set(id, { origin, originId, waitingFor: new Set(workers.map((worker) => worker.id)), timer });
    for (const worker of workers)
      sendToWorker(worker, { channel: CLUSTER_CHANNEL, type: 'apply-invalidation', id, target });
    this.logger.debug({ domain: domainOfTarget(target), workers: workers.length }, 'cluster: invalidation relayed');
    this.checkDone(id);
  }

  /** `worker` applied fan-out `id`. */
  applied(worker: Worker, id: number): void {
    this.fanOuts.get(id)?.waitingFor.delete(worker.id);
    this.checkDone(id);
  }

  /** A worker that exited holds no cache any more: stop waiting for it. */
  workerGone(worker: Worker): void {
    for (const [id, fanOut] of this.fanOuts) {
      fanOut.waitingFor.delete(worker.id);
      this.checkDone(id);
    }
  }

  private checkDone(id: number): void {
    if (this.fanOuts.get(id)?.waitingFor.size === 0) this.finish(id, true);
  }

  private finish(id: number, everyWorker: boolean): void {
    const fanOut = this.fanOuts.get(id);
    if (fanOut === undefined) return;
    this.fanOuts.delete(id);
    clearTimeout(fanOut.timer);
    if (!everyWorker)
      this.logger.warn(
        { unconfirmedWorkers: fanOut.waitingFor.size, timeoutMs: RELAY_ACK_TIMEOUT_MS },
        'cluster: not every worker confirmed a cache invalidation in time',
      );
    sendToWorker(fanOut.origin, {
      channel: CLUSTER_CHANNEL,
      type: 'invalidation-relayed',
      id: fanOut.originId,
      everyWorker,
    });
  }
}
