import type { InvalidationTarget } from '../cache/invalidation-target';
import type { CachedAnswer, LookupCache } from '../cache/lookup-cache';
import type { AccountQuery } from '../directory/account-directory';
import { CLUSTER_CHANNEL, onPrimaryMessage, sendToPrimary } from './messages';

/** How long an admin waits for every worker to confirm; the primary gives up sooner (RELAY_ACK_TIMEOUT_MS). */
export const RELAY_TIMEOUT_MS = 5_000;

interface Pending {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * A cluster worker's in-process cache (no Redis) whose invalidations reach every worker: `invalidate`
 * asks the primary, which has every worker (this one included) drop the target and resolves once all
 * confirmed, so an admin's 200 means no worker still serves the old answer. Reads and writes stay
 * local: each worker fills its own cache.
 */
export class RelayedLookupCache implements LookupCache {
  private readonly listeners: Array<(target: InvalidationTarget) => void> = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly local: LookupCache) {
    onPrimaryMessage((message) => {
      switch (message.type) {
        case 'apply-invalidation':
          void this.apply(message.id, message.target);
          return;
        case 'invalidation-relayed':
          this.settle(message.id, message.everyWorker);
          return;
        case 'shutdown':
        case 'exit-now':
        case 'cluster-metrics':
          return;
      }
    });
  }

  get(query: AccountQuery): Promise<CachedAnswer | undefined> {
    return this.local.get(query);
  }

  set(query: AccountQuery, entry: CachedAnswer, keepSeconds: number): Promise<void> {
    return this.local.set(query, entry, keepSeconds);
  }

  invalidate(target: InvalidationTarget): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the cluster primary did not confirm the invalidation within ${RELAY_TIMEOUT_MS} ms`));
      }, RELAY_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      sendToPrimary({ channel: CLUSTER_CHANNEL, type: 'invalidate', id, target });
    });
  }

  /** Called for every invalidation any worker made (this one included), as a shared cache does. */
  onInvalidation(listener: (target: InvalidationTarget) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    for (const [id, { reject, timer }] of this.pending) {
      clearTimeout(timer);
      reject(new Error('the cache closed before every worker confirmed the invalidation'));
      this.pending.delete(id);
    }
    await this.local.close();
  }

  private async apply(id: number, target: InvalidationTarget): Promise<void> {
    await this.local.invalidate(target);
    for (const listener of this.listeners) listener(target);
    sendToPrimary({ channel: CLUSTER_CHANNEL, type: 'invalidation-applied', id });
  }

  private settle(id: number, everyWorker: boolean): void {
    const pending = this.pending.get(id);
    if (pending === undefined) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (everyWorker) pending.resolve();
    else pending.reject(new Error('not every cluster worker confirmed the invalidation in time; retry'));
  }
}
