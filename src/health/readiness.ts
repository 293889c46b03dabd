import type { AccountDirectory } from '../directory/account-directory';

/** How long /readyz waits for the directory before it calls it unready. */
export const DIRECTORY_PROBE_TIMEOUT_MS = 2_000;

/**
 * A domain no directory hosts (RFC 2606 reserves `.invalid`): asking for it exercises the whole path
 * to the source (a PostgreSQL query, an HTTP call) and must come back "not hosted".
 */
const PROBE_QUERY = { domain: 'readiness-probe.invalid', address: null } as const;

/** The shared cache's state as /readyz reports it; never a reason to be unready (it is only a cache). */
export type CacheState = { readonly kind: 'in-process' } | { readonly kind: 'redis'; readonly state: string };

export interface ReadinessAnswer {
  readonly ready: boolean;
  readonly report: {
    readonly status: 'ready' | 'not-ready' | 'draining';
    readonly directory: 'ok' | 'unavailable' | 'timeout' | 'not-asked';
    readonly cache: CacheState;
  };
}

/**
 * Readiness for load balancers and Kubernetes (/readyz): ready while the account directory answers
 * and the process is not draining. Concurrent checks share one directory probe.
 */
export class Readiness {
  private draining = false;
  private probe: Promise<ReadinessAnswer['report']['directory']> | null = null;

  constructor(
    private readonly directory: Pick<AccountDirectory, 'lookup'>,
    private readonly cacheState: () => CacheState,
    private readonly probeTimeoutMs: number = DIRECTORY_PROBE_TIMEOUT_MS,
  ) {}

  /** From the first SIGTERM on: unready, so no new traffic is sent here while in-flight requests finish. */
  markDraining(): void {
    this.draining = true;
  }

  async check(): Promise<ReadinessAnswer> {
    const cache = this.cacheState();
    if (this.draining) return { ready: false, report: { status: 'draining', directory: 'not-asked', cache } };
    const directory = await this.probeDirectory();
    const ready = directory === 'ok';
    return { ready, report: { status: ready ? 'ready' : 'not-ready', directory, cache } };
  }

  private probeDirectory(): Promise<ReadinessAnswer['report']['directory']> {
    if (this.probe !== null) return this.probe;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.probeTimeoutMs);
    });
    const asked = this.directory.lookup(PROBE_QUERY).then(
      () => 'ok' as const,
      () => 'unavailable' as const,
    );
    const probe = Promise.race([asked, timeout]).finally(() => {
      clearTimeout(timer);
      if (this.probe === probe) this.probe = null;
    });
    this.probe = probe;
    return probe;
  }
}
