import type { ServeHooks, ShutdownControl } from '../serve';
import { shareWorkerMetrics } from './cluster-metrics';
import { CLUSTER_CHANNEL, onPrimaryMessage, sendToPrimary } from './messages';
import { RelayedLookupCache } from './relayed-lookup-cache';

/**
 * What a cluster worker adds to serving as a single process does: it tells the primary when it
 * listens, stops when the primary relays a shutdown signal, and (without Redis) relays cache
 * invalidations through the primary. The per-IP limiter's counters live in the primary too
 * (compose.ts, with rate-limiter-flexible's RateLimiterCluster).
 */
export function clusterWorkerHooks(): ServeHooks {
  let control: ShutdownControl | null = null;
  onPrimaryMessage((message) => {
    switch (message.type) {
      case 'shutdown':
        // Not listening yet: nothing to drain.
        if (control === null) process.exit(0);
        control.drain(message.signal);
        return;
      case 'exit-now':
        if (control === null) process.exit(130);
        control.exitNow(message.signal);
        return;
      case 'apply-invalidation':
      case 'invalidation-relayed':
        return; // RelayedLookupCache's
      case 'cluster-metrics':
        return; // shareWorkerMetrics's
    }
  });
  return {
    workerSharing: { relayInvalidations: (cache) => new RelayedLookupCache(cache), shareMetrics: shareWorkerMetrics },
    onListening: () => sendToPrimary({ channel: CLUSTER_CHANNEL, type: 'ready' }),
    onShutdownControl: (given) => {
      control = given;
    },
  };
}
