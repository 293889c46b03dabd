import { EventEmitter, once } from 'node:events';
import { Cluster, type Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisConfig } from '../config/cache-schema';
import type { AccountQuery } from '../directory/account-directory';
import type { InvalidationTarget } from './invalidation-target';
import type { CachedAnswer, LookupCache } from './lookup-cache';
import {
  closeRedisClient,
  createRedisClient,
  describeRedisTarget,
  RedisOutageLog,
  waitUntilReady,
  type RedisClient,
  type RedisConnectionRole,
} from './redis-client';
import {
  decodeEntry,
  decodeInvalidation,
  encodeEntry,
  encodeInvalidation,
  invalidationChannelOf,
  redisKeyOf,
  redisKeysOf,
} from './redis-format';

export interface RedisCacheOptions {
  /**
   * Listen on the invalidation channel (a second connection), so invalidations made by other
   * instances reach this one's in-process state. The CLI, which only publishes, turns it off.
   */
  readonly subscribe: boolean;
}

/** What one invalidation did: keys deleted from Redis and instances that heard about it. */
export interface InvalidationReport {
  readonly deletedKeys: number;
  /** Subscribed instances that received it; null in a cluster, where PUBLISH counts one node's subscribers only. */
  readonly notifiedInstances: number | null;
}

const SCAN_BATCH = 500;

/**
 * Directory answers in Redis (`cache.redis`), shared by every instance. Key, value and channel
 * formats are in redis-format.ts. A Redis that is down, slow or restarting costs a request one
 * bounded command at most: reads become misses and writes are skipped, with one log line per outage.
 */
export class RedisLookupCache implements LookupCache {
  private readonly listeners: Array<(target: InvalidationTarget) => void> = [];
  private readonly commandErrorListeners: Array<() => void> = [];
  private readonly events = new EventEmitter();
  private readonly channel: string;
  private subscribed = false;
  private closing = false;

  private constructor(
    private readonly client: RedisClient,
    private readonly subscriber: RedisClient | null,
    private readonly config: RedisConfig,
    private readonly outage: RedisOutageLog,
  ) {
    this.channel = invalidationChannelOf(config.keyPrefix);
  }

  /** Starts connecting in the background; lookups work (as misses) before Redis answers. Throws only on options ioredis refuses. */
  static connect(
    config: RedisConfig,
    logger: Logger,
    options: RedisCacheOptions = { subscribe: true },
  ): RedisLookupCache {
    const outage = new RedisOutageLog(logger, describeRedisTarget(config));
    const client = createRedisClient(config, 'cache', (error) => outage.failed('cache', error));
    const subscriber = options.subscribe
      ? createRedisClient(config, 'invalidations', (error) => outage.failed('invalidations', error))
      : null;
    const cache = new RedisLookupCache(client, subscriber, config, outage);
    cache.watch(client, 'cache');
    client.on('ready', () => outage.recovered('cache'));
    if (subscriber !== null) cache.listen(subscriber);
    return cache;
  }

  /** The command connection, for other per-instance state that should be shared (the rate limiter). */
  get commandClient(): RedisClient {
    return this.client;
  }

  async get(query: AccountQuery): Promise<CachedAnswer | undefined> {
    try {
      const text = await this.client.get(redisKeyOf(this.config.keyPrefix, query));
      this.outage.recovered('cache');
      return decodeEntry(text);
    } catch (error) {
      this.commandFailed(error);
      return undefined;
    }
  }

  async set(query: AccountQuery, entry: CachedAnswer, keepSeconds: number): Promise<void> {
    const keepMs = Math.round(keepSeconds * 1000);
    if (keepMs <= 0) return;
    try {
      await this.client.set(redisKeyOf(this.config.keyPrefix, query), encodeEntry(entry), 'PX', keepMs);
      this.outage.recovered('cache');
    } catch (error) {
      this.commandFailed(error);
    }
  }

  private commandFailed(error: unknown): void {
    this.outage.failed('cache', error);
    for (const listener of this.commandErrorListeners) listener();
  }

  onCommandError(listener: () => void): void {
    this.commandErrorListeners.push(listener);
  }

  async invalidate(target: InvalidationTarget): Promise<void> {
    await this.invalidateEverywhere(target);
  }

  /** Deletes the target's keys, then tells every instance; rejects when Redis cannot be reached. */
  async invalidateEverywhere(target: InvalidationTarget): Promise<InvalidationReport> {
    if (this.client.status !== 'ready') {
      throw new Error(
        `Redis at ${describeRedisTarget(this.config)} is not connected (${this.client.status}); nothing was invalidated`,
      );
    }
    const deletedKeys = await this.deleteKeys(target);
    const receivers = await this.client.publish(this.channel, encodeInvalidation(target));
    return { deletedKeys, notifiedInstances: this.client instanceof Cluster ? null : receivers };
  }

  onInvalidation(listener: (target: InvalidationTarget) => void): void {
    this.listeners.push(listener);
  }

  /** Waits until commands can be sent and, with `subscribe`, invalidations are received (start-up, CLI, tests). */
  async ready(timeoutMs: number): Promise<void> {
    await waitUntilReady(this.client, timeoutMs);
    if (this.subscriber === null || this.subscribed) return;
    try {
      await once(this.events, 'subscribed', { signal: AbortSignal.timeout(timeoutMs) });
    } catch {
      throw new Error(`Redis invalidation channel not subscribed after ${timeoutMs} ms`);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([
      closeRedisClient(this.client),
      this.subscriber === null ? undefined : closeRedisClient(this.subscriber),
    ]);
  }

  private async deleteKeys(target: InvalidationTarget): Promise<number> {
    const keys = redisKeysOf(this.config.keyPrefix, target);
    if ('exact' in keys) return this.client.unlink(keys.exact);
    // SCAN walks one server: in a cluster, every master holds part of the domain's keys.
    const nodes = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
    let deleted = 0;
    for (const node of nodes) deleted += await unlinkMatching(node, keys.pattern);
    return deleted;
  }

  /** A lost connection starts an outage at once, before any request notices. */
  private watch(client: RedisClient, role: RedisConnectionRole): void {
    client.on('close', () => {
      if (!this.closing) this.outage.failed(role, 'connection closed');
    });
  }

  /** Subscribes on every (re)connection: a fresh connection has no subscriptions. */
  private listen(subscriber: RedisClient): void {
    this.watch(subscriber, 'invalidations');
    subscriber.on('close', () => {
      this.subscribed = false;
    });
    subscriber.on('ready', () => {
      subscriber.subscribe(this.channel).then(
        () => {
          this.subscribed = true;
          this.outage.recovered('invalidations');
          this.events.emit('subscribed');
        },
        (error: unknown) => this.outage.failed('invalidations', error),
      );
    });
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const target = decodeInvalidation(message);
      if (target === undefined) return;
      for (const listener of this.listeners) listener(target);
    });
  }
}

/** SCAN MATCH + UNLINK on one server; one key per UNLINK, because a cluster refuses keys of several slots. */
async function unlinkMatching(node: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = node.pipeline();
    for (const key of keys) pipeline.unlink(key);
    for (const [error, count] of (await pipeline.exec()) ?? []) {
      if (error !== null) throw error;
      deleted += typeof count === 'number' ? count : 0;
    }
  } while (cursor !== '0');
  return deleted;
}
