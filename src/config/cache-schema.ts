import { z } from 'zod';
import type { EnvironmentBinding } from './environment-binding';
import { milliseconds, tcpPort } from './fields';
import { redactUrlPassword } from './redact-config';

/** True for a redis:// or rediss:// URL with a host: what ioredis accepts as a connection string. */
export function isRedisUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The URL without its password, for messages and logs: `redis://:***@host:6379/0`. */
export const redactRedisUrl: (value: string) => string = redactUrlPassword;

const redisUrl = z
  .string()
  .nullable()
  .default(null)
  .check((ctx) => {
    if (ctx.value === null || isRedisUrl(ctx.value)) return;
    ctx.issues.push({
      code: 'custom',
      message:
        'must be a redis:// or rediss:// URL such as "redis://127.0.0.1:6379" (the environment variable REDIS_URL sets it too)',
      input: redactRedisUrl(ctx.value),
    });
  });

const redisNode = z.strictObject({
  host: z.string().regex(/^[A-Za-z0-9.:_-]{1,253}$/, { error: 'must be a host name or IP address such as "10.0.0.5"' }),
  port: tcpPort,
});

/** Credentials and TLS of the data nodes (Sentinel and Cluster; a URL carries its own). */
const nodeAuth = {
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  /** Connect to the data nodes with TLS (as rediss:// does for a single server). */
  tls: z.boolean().default(false),
};

const sentinelSchema = z.strictObject({
  /** Sentinel processes to ask for the current master, e.g. [{"host": "10.0.0.5", "port": 26379}]. */
  sentinels: z
    .array(redisNode)
    .min(1, { error: 'must list at least one sentinel, e.g. [{"host": "10.0.0.5", "port": 26379}]' }),
  /** The master group name configured in the sentinels (`sentinel monitor <name> ...`). */
  name: z.string().min(1, { error: 'must name the master group, e.g. "mymaster"' }),
  db: z.int().min(0).max(15).default(0),
  /** Password of the sentinels themselves, when they require one. */
  sentinelPassword: z.string().min(1).optional(),
  ...nodeAuth,
});

const clusterSchema = z.strictObject({
  /** Some cluster nodes to start from; the rest are discovered. */
  nodes: z.array(redisNode).min(1, { error: 'must list at least one node, e.g. [{"host": "10.0.0.5", "port": 7000}]' }),
  ...nodeAuth,
});

const EXCLUSIVE_MODES = ['url', 'sentinel', 'cluster'] as const;

/** Shared cache in Redis (`cache.redis`): off unless `url`, `sentinel` or `cluster` is set. */
export const redisSchema = z
  .strictObject({
    /** One Redis server, e.g. "redis://:password@10.0.0.5:6379/0"; env REDIS_URL overrides it. */
    url: redisUrl,
    /** Start of every key and channel name, so several services (or test runs) can share one Redis. */
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
        error: 'must be 1 to 64 letters, digits, ".", "_" or "-", such as "mail-autodiscover"',
      })
      .default('mail-autodiscover'),
    /** A command not answered within this time counts as a miss; the directory answers instead. */
    commandTimeoutMs: milliseconds(10, 60_000).default(250),
    /** How long one connection attempt may take; attempts repeat with a capped back-off. */
    connectTimeoutMs: milliseconds(100, 60_000).default(2000),
    /** Redis Sentinel: the master is found through the sentinels. */
    sentinel: sentinelSchema.optional(),
    /** Redis Cluster. */
    cluster: clusterSchema.optional(),
  })
  .prefault({})
  .check((ctx) => {
    const chosen = EXCLUSIVE_MODES.filter((mode) =>
      mode === 'url' ? ctx.value.url !== null : ctx.value[mode] !== undefined,
    );
    const [first, second] = chosen;
    if (first === undefined || second === undefined) return;
    ctx.issues.push({
      code: 'custom',
      path: [second],
      message:
        `cannot be combined with cache.redis.${first}${first === 'url' ? ' (or REDIS_URL)' : ''}: keep exactly one of ` +
        'url (one server), sentinel (Redis Sentinel) or cluster (Redis Cluster)',
      input: undefined,
    });
  });

export type RedisConfig = z.infer<typeof redisSchema>;

/** How directory answers are cached (`cache` in the config file). */
export const cacheSchema = z
  .strictObject({
    /** Seconds a found account (or a domain's default) stays fresh. */
    ttlSeconds: z.int().min(0).max(86400).default(300),
    /** Seconds an unknown mailbox or domain stays fresh; shorter, so new accounts appear soon. */
    negativeTtlSeconds: z.int().min(0).max(86400).default(60),
    /** Seconds past freshness an answer is still served while the directory is unavailable. */
    staleGraceSeconds: z
      .int()
      .min(0)
      .max(7 * 86400)
      .default(3600),
    /** In-process cache size bound (entries); not used when Redis is configured. */
    maxEntries: z.int().min(1).max(10_000_000).default(100_000),
    redis: redisSchema,
  })
  .prefault({});

/** Whether `cache.redis` names a server, Sentinel group or cluster (otherwise the in-process cache is used). */
export function redisConfigured(redis: RedisConfig): boolean {
  return redis.url !== null || redis.sentinel !== undefined || redis.cluster !== undefined;
}

export const cacheEnvironment: readonly EnvironmentBinding[] = [
  { variable: 'REDIS_URL', path: ['cache', 'redis', 'url'] },
];
