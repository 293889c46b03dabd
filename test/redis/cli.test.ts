import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import pino from 'pino';
import type { InvalidationTarget } from '../../src/cache/invalidation-target';
import { RedisLookupCache } from '../../src/cache/redis-cache';
import { REPO_ROOT } from '../support/app';
import { runTool, type CliRun } from '../support/cli';
import { describeWithRedis, TEST_REDIS_URL, uniqueTestNamespace } from '../support/backends';
import { deleteKeysWithPrefix, inspector, testRedisConfig, waitFor } from './support';

const prefix = uniqueTestNamespace('cli');

/** Runs `mail-autodiscover cache invalidate <args>` (what `npm run cache:invalidate -- <args>` runs) the way npm does (tsx), with only the given environment. */
function cli(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  return runTool(['cache', 'invalidate', ...args], { LOG_LEVEL: 'silent', ...env });
}

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'cache-cli-'));
  const accounts = path.join(REPO_ROOT, 'config/accounts.json');
  writeFileSync(
    path.join(folder, 'config.json'),
    JSON.stringify({ directory: { type: 'file', file: accounts }, cache: { redis: { keyPrefix: prefix } } }),
  );
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('npm run cache:invalidate › usage', () => {
  test('neither --address nor --domain › exit 2 with the usage', async () => {
    const run = await cli([], { CONFIG_FILE: path.join(folder, 'config.json') });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('give exactly one of --address or --domain');
    expect(run.stderr).toContain('Usage:');
  });

  test('no Redis configured and no --url › exit 2 explaining why', async () => {
    const run = await cli(['--domain', 'example.com'], { CONFIG_FILE: path.join(folder, 'config.json') });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no Redis is configured');
    expect(run.stderr).toContain('--url');
  });
});

describeWithRedis('npm run cache:invalidate › Redis', () => {
  let redis: Redis;
  let instance: RedisLookupCache;
  const heard: InvalidationTarget[] = [];

  beforeAll(async () => {
    redis = inspector();
    instance = RedisLookupCache.connect(testRedisConfig(prefix), pino({ level: 'silent' }));
    instance.onInvalidation((scope) => heard.push(scope));
    await instance.ready(5000);
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await instance.close();
    await redis.quit();
  });

  test('--domain › keys deleted, running instances told, exit 0', async () => {
    await redis.set(`${prefix}:v1:example.com|jane@example.com`, '{}');
    await redis.set(`${prefix}:v1:example.com|`, '{}');
    await redis.set(`${prefix}:v1:example.org|`, '{}');
    const run = await cli(['--domain', 'Example.COM'], {
      CONFIG_FILE: path.join(folder, 'config.json'),
      REDIS_URL: TEST_REDIS_URL ?? '',
    });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('domain example.com: deleted 2 cached answer(s)');
    expect(await redis.exists(`${prefix}:v1:example.com|jane@example.com`, `${prefix}:v1:example.com|`)).toBe(0);
    expect(await redis.exists(`${prefix}:v1:example.org|`)).toBe(1);
    await waitFor(() => heard.length > 0, 'the invalidation message');
    expect(heard).toEqual([{ domain: 'example.com' }]);
  });

  test('Redis not reachable › exit 1 naming Redis', async () => {
    const run = await cli(['--address', 'jane@example.com'], {
      CONFIG_FILE: path.join(folder, 'config.json'),
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Redis (redis://127.0.0.1:1)');
  });
});

describeWithRedis('mail-autodiscover check › where the answer came from, with Redis', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = inspector();
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  test('a first check misses the shared cache and fills it; the next one (another process) hits it', async () => {
    const env = { CONFIG_FILE: path.join(folder, 'config.json'), REDIS_URL: TEST_REDIS_URL ?? '' };
    const check = async () => {
      const run = await runTool(['check', 'pop.user@example.com', '--json'], env);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      return (JSON.parse(run.stdout) as { cache: { kind: string; result: string } }).cache;
    };
    expect(await check()).toEqual({ kind: `Redis ${TEST_REDIS_URL ?? ''}`, result: 'miss' });
    expect(await check()).toEqual({ kind: `Redis ${TEST_REDIS_URL ?? ''}`, result: 'hit' });
    const text = await runTool(['check', 'pop.user@example.com'], env);
    expect(text.stdout).toContain(`directory, Redis ${TEST_REDIS_URL ?? ''} cache (hit)`);
  });
});
