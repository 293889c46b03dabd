import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { redactRedisUrl, type RedisConfig } from '../config/cache-schema';

export type RedisClient = Redis | Cluster;

/** disconnect() waits this long for a socket to close before destroying it; keep shutdown quick. */
const DISCONNECT_TIMEOUT_MS = 200;

/** Reconnect for ever, waiting 100 ms, 200 ms, 400 ms ... and at most 2 s between attempts. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(100 * 2 ** Math.min(Math.max(attempt - 1, 0), 5), 2000);
}

/**
 * An ioredis client for the configured server, Sentinel group or cluster, set up so that a missing
 * Redis costs a request nothing: every command has a timeout, is retried at most once, and fails at
 * once while disconnected (no offline queue) instead of piling up. `onError` becomes the client's
 * only `error` listener. Throws only when ioredis refuses the options.
 */
export function createRedisClient(config: RedisConfig, role: string, onError: (error: Error) => void): RedisClient {
  const common = {
    connectionName: `${config.keyPrefix}:${role}`,
    commandTimeout: config.commandTimeoutMs,
    connectTimeout: config.connectTimeoutMs,
    maxRetriesPerRequest: 1,
    disconnectTimeout: DISCONNECT_TIMEOUT_MS,
  } satisfies RedisOptions;
  let client: RedisClient;
  if (config.cluster !== undefined) {
    const { nodes, username, password, tls } = config.cluster;
    const options: ClusterOptions = {
      enableOfflineQueue: false,
      clusterRetryStrategy: reconnectDelayMs,
      redisOptions: { ...common, ...optional({ username, password }), ...(tls ? { tls: {} } : {}) },
    };
    client = new Cluster(
      nodes.map((node) => ({ host: node.host, port: node.port })),
      options,
    );
  } else {
    const options: RedisOptions = { ...common, enableOfflineQueue: false, retryStrategy: reconnectDelayMs };
    if (config.sentinel !== undefined) {
      const { sentinels, name, db, username, password, sentinelPassword, tls } = config.sentinel;
      client = new Redis({
        ...options,
        sentinels: sentinels.map((node) => ({ host: node.host, port: node.port })),
        name,
        db,
        sentinelRetryStrategy: reconnectDelayMs,
        ...optional({ username, password, sentinelPassword }),
        ...(tls ? { tls: {} } : {}),
      });
      followFailovers(client, config.sentinel);
    } else if (config.url !== null) {
      client = new Redis(config.url, options);
    } else {
      throw new Error('cache.redis has no url, sentinel or cluster');
    }
  }
  client.on('error', onError);
  return client;
}

/**
 * Moves a Sentinel-mode client to the new master as soon as the sentinels announce it (+switch-master
 * on every sentinel). The sentinels leave the old master running as a master for 8 s or more before
 * they demote it and close its clients, and an instance still on it would neither read what the others
 * write nor hear their invalidations. ioredis's own `failoverDetector` does this too, but its watch
 * outlives a lost connection, and an announcement that arrives while the client is asking a sentinel
 * for the master ends the client for good; so only a client that is connected is moved here (one that
 * is reconnecting asks the sentinels anyway). The watch closes when the client does.
 */
function followFailovers(client: Redis, sentinel: NonNullable<RedisConfig['sentinel']>): void {
  let announced = '';
  const watches = sentinel.sentinels.map((node) => {
    const watch = new Redis({
      host: node.host,
      port: node.port,
      ...optional({ password: sentinel.sentinelPassword }),
      retryStrategy: reconnectDelayMs,
      maxRetriesPerRequest: null,
      disconnectTimeout: DISCONNECT_TIMEOUT_MS,
    });
    // A sentinel that is down matters only if all are; the data connections' outage log covers that.
    watch.on('error', () => undefined);
    watch.subscribe(SWITCH_MASTER_CHANNEL).catch(() => undefined);
    watch.on('message', (channel: string, message: string) => {
      // "<master name> <old ip> <old port> <new ip> <new port>"; each sentinel sends it, one move is enough.
      const [name, , , host, port] = message.split(' ');
      if (channel !== SWITCH_MASTER_CHANNEL || name !== sentinel.name || `${host}:${port}` === announced) return;
      announced = `${host}:${port}`;
      if (client.status === 'ready' || client.status === 'connect') client.disconnect(true);
    });
    return watch;
  });
  client.once('end', () => {
    for (const watch of watches) watch.disconnect();
  });
}

const SWITCH_MASTER_CHANNEL = '+switch-master';

function optional(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** Where the cache lives, for logs: never a password. */
export function describeRedisTarget(config: RedisConfig): string {
  const list = (nodes: readonly { host: string; port: number }[]): string =>
    nodes.map((node) => `${node.host}:${node.port}`).join(',');
  if (config.cluster !== undefined) return `cluster ${list(config.cluster.nodes)}`;
  if (config.sentinel !== undefined) return `sentinel ${config.sentinel.name}@${list(config.sentinel.sentinels)}`;
  return redactRedisUrl(config.url ?? '');
}

/**
 * Resolves once the client can take commands; rejects after `timeoutMs` with the last connection
 * error. Failed attempts in between are waited out (the client keeps reconnecting).
 */
export function waitUntilReady(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    let lastError: Error | undefined;
    const remember = (error: Error): void => {
      lastError = error;
    };
    const finish = (): void => {
      clearTimeout(timer);
      client.off('error', remember);
      client.off('ready', onReady);
    };
    const onReady = (): void => {
      finish();
      resolve();
    };
    const timer = setTimeout(() => {
      finish();
      reject(
        new Error(`Redis not ready after ${timeoutMs} ms${lastError === undefined ? '' : `: ${lastError.message}`}`),
      );
    }, timeoutMs);
    client.on('error', remember);
    client.on('ready', onReady);
  });
}

/** QUIT when connected (pending replies arrive first), otherwise drop the socket and stop reconnecting. */
export async function closeRedisClient(client: RedisClient): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through: the connection went away while quitting
    }
  }
  client.disconnect();
}

/** The connections a cache keeps: commands, and the invalidation subscription. */
export type RedisConnectionRole = 'cache' | 'invalidations';

/**
 * One warning when Redis stops answering and one info line when every connection works again,
 * however many requests fail in between. A failure of either connection starts an outage; it ends
 * when each failed connection has succeeded (a command answered, the subscription renewed).
 */
export class RedisOutageLog {
  private readonly failing = new Set<RedisConnectionRole>();
  private downSince = 0;

  constructor(
    private readonly logger: Logger,
    private readonly target: string,
  ) {}

  /** `reason`: the ioredis error (its message is logged; the stack says nothing useful) or a short text. */
  failed(role: RedisConnectionRole, reason: unknown): void {
    if (this.failing.has(role)) return;
    this.failing.add(role);
    if (this.failing.size > 1) return;
    this.downSince = Date.now();
    const text = reason instanceof Error ? reason.message : String(reason);
    this.logger.warn(
      { redis: this.target, connection: role, reason: text },
      'Redis cache unavailable; answering from the directory until it is back',
    );
  }

  recovered(role: RedisConnectionRole): void {
    if (!this.failing.delete(role) || this.failing.size > 0) return;
    this.logger.info({ redis: this.target, downMs: Date.now() - this.downSince }, 'Redis cache available again');
  }
}
