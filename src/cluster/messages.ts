import type { Worker } from 'node:cluster';
import { parseInvalidationTarget, type InvalidationTarget } from '../cache/invalidation-target';

/**
 * The messages this service sends between the cluster primary and its workers over node:cluster IPC.
 * rate-limiter-flexible's RateLimiterCluster uses the same channel with its own `channel` value, so
 * every message here carries CLUSTER_CHANNEL and each side ignores what is not its own.
 */
export const CLUSTER_CHANNEL = 'mail-autodiscover';

/** Worker → primary. */
export type WorkerMessage =
  /** Every listener of the worker is listening. */
  | { readonly channel: typeof CLUSTER_CHANNEL; readonly type: 'ready' }
  /** An admin dropped cached answers here: have every worker drop them, then answer `relayed` with this id. */
  | {
      readonly channel: typeof CLUSTER_CHANNEL;
      readonly type: 'invalidate';
      readonly id: number;
      readonly target: InvalidationTarget;
    }
  /** This worker applied the primary's `apply-invalidation` with this id. */
  | { readonly channel: typeof CLUSTER_CHANNEL; readonly type: 'invalidation-applied'; readonly id: number }
  /** GET /metrics reached this worker: answer `cluster-metrics` with this id, every worker's metrics summed. */
  | { readonly channel: typeof CLUSTER_CHANNEL; readonly type: 'metrics-request'; readonly id: number };

/** Primary → worker. */
export type PrimaryMessage =
  /** Drop the target's cached answers in this worker, then confirm with `invalidation-applied`. */
  | {
      readonly channel: typeof CLUSTER_CHANNEL;
      readonly type: 'apply-invalidation';
      readonly id: number;
      readonly target: InvalidationTarget;
    }
  /** The answer to the worker's `invalidate` with this id: whether every worker confirmed in time. */
  | {
      readonly channel: typeof CLUSTER_CHANNEL;
      readonly type: 'invalidation-relayed';
      readonly id: number;
      readonly everyWorker: boolean;
    }
  /** The answer to `metrics-request` with this id: the exposition text, or why there is none. */
  | {
      readonly channel: typeof CLUSTER_CHANNEL;
      readonly type: 'cluster-metrics';
      readonly id: number;
      readonly text: string | null;
      readonly problem: string | null;
    }
  /** The primary got `signal`: stop accepting, drain and exit, as on a first signal; repeated, it changes nothing. */
  | { readonly channel: typeof CLUSTER_CHANNEL; readonly type: 'shutdown'; readonly signal: ShutdownSignal }
  /** The primary got `signal` a second time: exit at once. */
  | { readonly channel: typeof CLUSTER_CHANNEL; readonly type: 'exit-now'; readonly signal: ShutdownSignal };

/** The signals that stop the service, in every process. */
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

const isShutdownSignal = (value: unknown): value is ShutdownSignal =>
  SHUTDOWN_SIGNALS.some((signal) => signal === value);

type Fields = Readonly<Record<string, unknown>>;

/** The message's fields when it is one of ours (our channel, a string type), else null. */
function ours(message: unknown): Fields | null {
  if (typeof message !== 'object' || message === null) return null;
  const fields = message as Fields;
  return fields['channel'] === CLUSTER_CHANNEL && typeof fields['type'] === 'string' ? fields : null;
}

const idOf = (fields: Fields): number | null => (Number.isSafeInteger(fields['id']) ? (fields['id'] as number) : null);

/** The id and the target, parsed again as anything crossing a process boundary, of a message carrying one. */
function invalidationOf(fields: Fields): { readonly id: number; readonly target: InvalidationTarget } | null {
  const id = idOf(fields);
  const target = parseInvalidationTarget(fields['target']);
  return id === null || !target.ok ? null : { id, target: target.value };
}

/** Checks a message a worker sent. */
export function asWorkerMessage(message: unknown): WorkerMessage | null {
  const fields = ours(message);
  if (fields === null) return null;
  const id = idOf(fields);
  switch (fields['type']) {
    case 'ready':
      return { channel: CLUSTER_CHANNEL, type: 'ready' };
    case 'invalidate': {
      const invalidation = invalidationOf(fields);
      return invalidation === null ? null : { channel: CLUSTER_CHANNEL, type: 'invalidate', ...invalidation };
    }
    case 'invalidation-applied':
    case 'metrics-request':
      return id === null ? null : { channel: CLUSTER_CHANNEL, type: fields['type'], id };
    default:
      return null;
  }
}

/** Checks a message the primary sent. */
export function asPrimaryMessage(message: unknown): PrimaryMessage | null {
  const fields = ours(message);
  if (fields === null) return null;
  const id = idOf(fields);
  switch (fields['type']) {
    case 'apply-invalidation': {
      const invalidation = invalidationOf(fields);
      return invalidation === null ? null : { channel: CLUSTER_CHANNEL, type: 'apply-invalidation', ...invalidation };
    }
    case 'invalidation-relayed':
      return id === null || typeof fields['everyWorker'] !== 'boolean'
        ? null
        : { channel: CLUSTER_CHANNEL, type: 'invalidation-relayed', id, everyWorker: fields['everyWorker'] };
    case 'cluster-metrics': {
      const text = fields['text'];
      const problem = fields['problem'];
      if (
        id === null ||
        (typeof text !== 'string' && text !== null) ||
        (typeof problem !== 'string' && problem !== null)
      )
        return null;
      return { channel: CLUSTER_CHANNEL, type: 'cluster-metrics', id, text, problem };
    }
    case 'shutdown':
    case 'exit-now': {
      const signal = fields['signal'];
      return isShutdownSignal(signal) ? { channel: CLUSTER_CHANNEL, type: fields['type'], signal } : null;
    }
    default:
      return null;
  }
}

/** Sends to the primary; a worker whose primary is gone exits anyway (node:cluster), so a failed send is dropped. */
export function sendToPrimary(message: WorkerMessage): void {
  if (process.send !== undefined && process.connected) process.send(message);
}

/** Calls `listener` with each of our messages from the primary. */
export function onPrimaryMessage(listener: (message: PrimaryMessage) => void): void {
  process.on('message', (raw: unknown) => {
    const message = asPrimaryMessage(raw);
    if (message !== null) listener(message);
  });
}

/** Sends to a worker unless it is already gone (its cache went with it). */
export function sendToWorker(worker: Worker, message: PrimaryMessage): void {
  if (worker.isConnected()) worker.send(message);
}
