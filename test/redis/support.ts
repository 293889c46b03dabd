import net from 'node:net';
import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import { composeServiceAround, type Service } from '../../src/compose';
import { redisSchema, type RedisConfig } from '../../src/config/cache-schema';
import type { AppConfig } from '../../src/config/schema';
import type { AccountDirectory } from '../../src/directory/account-directory';
import { exampleConfig, FIXED_NOW } from '../support/app';
import { TEST_REDIS_URL } from '../support/backends';

/** The cache settings of a test file: the test Redis, its own key prefix, defaults otherwise. */
export function testRedisConfig(keyPrefix: string, overrides: Record<string, unknown> = {}): RedisConfig {
  return redisSchema.parse({ url: TEST_REDIS_URL, keyPrefix, ...overrides });
}

/** A plain client for looking inside Redis and cleaning up. */
export function inspector(): Redis {
  if (TEST_REDIS_URL === undefined)
    throw new Error('TEST_REDIS_URL is not set (describeWithRedis should have skipped)');
  return new Redis(TEST_REDIS_URL, { connectionName: 'mail-autodiscover-test-inspector' });
}

/** Deletes every key of the test file's prefix. */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

/** Ids of the connections with this CLIENT SETNAME (`<keyPrefix>:cache`, `<keyPrefix>:invalidations`). */
export async function clientIdsNamed(redis: Redis, name: string): Promise<string[]> {
  const list = String(await redis.client('LIST'));
  return list
    .split('\n')
    .filter((line) => line.split(' ').includes(`name=${name}`))
    .map((line) => /(?:^| )id=(\d+)/.exec(line)?.[1] ?? '')
    .filter((id) => id !== '');
}

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** A pino logger whose lines a test can read back (level 40 = warn, 30 = info). */
export function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

export const WARN = 40;
export const INFO = 30;

/** Polls until `condition` holds (a wait for an event, not a timing assertion); fails after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A server that speaks just enough RESP to let ioredis connect and subscribe (CLIENT SETNAME, INFO,
 * SUBSCRIBE) and then never answers another command: a Redis that has become too slow.
 */
export async function startStallingRedis(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const bulk = (text: string): string => `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      for (const [name = '', ...args] of parseCommands(chunk.toString('utf8'))) {
        const command = name.toUpperCase();
        if (command === 'CLIENT') socket.write('+OK\r\n');
        else if (command === 'INFO') socket.write(bulk('redis_version:7.0.0\r\nloading:0\r\n'));
        else if (command === 'SUBSCRIBE')
          args.forEach((channel, index) => socket.write(`*3\r\n${bulk('subscribe')}${bulk(channel)}:${index + 1}\r\n`));
        // anything else: no answer, ever
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `redis://127.0.0.1:${address.port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The RESP arrays of bulk strings in a chunk (`*2\r\n$6\r\nCLIENT\r\n...`); enough for ioredis's short commands. */
export function parseCommands(text: string): string[][] {
  const lines = text.split('\r\n');
  const commands: string[][] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const count = /^\*(\d+)$/.exec(lines[index] ?? '');
    if (count === null) continue;
    const parts: string[] = [];
    for (let part = 0; part < Number(count[1]); part += 1) parts.push(lines[index + 2 + part * 2] ?? '');
    commands.push(parts);
    index += Number(count[1]) * 2;
  }
  return commands;
}

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/**
 * One service instance as main.ts composes it (compose.ts), on the example config with the admin API
 * on and the rate limit off unless `patch` says otherwise, with its own Redis cache in front of
 * `source` (shared by the instances of a test, like a database).
 */
export function redisInstance(
  source: AccountDirectory,
  redis: RedisConfig,
  logger: Logger = pino({ level: 'silent' }),
  patch: (config: AppConfig) => AppConfig = (config) => config,
): Service {
  const config = structuredClone(exampleConfig().config);
  config.admin.token = TEST_ADMIN_TOKEN;
  config.rateLimit.enabled = false;
  config.cache.redis = redis;
  const service = composeServiceAround(patch(config), source, logger, { now: () => FIXED_NOW });
  if (!service.ok) throw new Error(service.error.join('\n'));
  return service.value;
}

/** The access type an autoconfig answer offers: Exchange for Business Mail, IMAP/POP otherwise. */
export function offeredAccessType(xml: string): 'business' | 'pop' {
  return xml.includes('<incomingServer type="exchange"') ? 'business' : 'pop';
}
