import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load';
import type { AppConfig } from '../../src/config/schema';

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'cache-config-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Loads `settings` as config file `config.json`, with `env` as the environment. */
function load(settings: object, env: Record<string, string> = {}) {
  writeFileSync(path.join(folder, 'config.json'), JSON.stringify(settings));
  return loadConfig({ CONFIG_FILE: 'config.json', ...env }, folder);
}

function loaded(settings: object, env: Record<string, string> = {}): AppConfig {
  const result = load(settings, env);
  if (!result.ok) throw new Error(result.error.join('\n'));
  return result.value.config;
}

/** The problems, with the config file's path shortened to "config.json". */
function problems(settings: object, env: Record<string, string> = {}): string[] {
  const result = load(settings, env);
  if (result.ok) throw new Error('expected the config to be refused');
  return result.error.map((line) => line.replace(path.join(folder, 'config.json'), 'config.json'));
}

describe('cache.redis › accepted', () => {
  test('nothing set › no Redis, defaults filled in', () => {
    expect(loaded({}).cache.redis).toEqual({
      url: null,
      keyPrefix: 'mail-autodiscover',
      commandTimeoutMs: 250,
      connectTimeoutMs: 2000,
    });
  });

  test('REDIS_URL › sets cache.redis.url, keeping the other keys of the file', () => {
    const config = loaded(
      { cache: { redis: { keyPrefix: 'eu1' } } },
      { REDIS_URL: 'rediss://:secret@cache.example:6380/2' },
    );
    expect(config.cache.redis).toMatchObject({ url: 'rediss://:secret@cache.example:6380/2', keyPrefix: 'eu1' });
  });

  test('sentinel › nodes, name and defaults', () => {
    const config = loaded({
      cache: { redis: { sentinel: { sentinels: [{ host: '10.0.0.5', port: 26379 }], name: 'mymaster' } } },
    });
    expect(config.cache.redis.sentinel).toEqual({
      sentinels: [{ host: '10.0.0.5', port: 26379 }],
      name: 'mymaster',
      db: 0,
      tls: false,
    });
  });

  test('cluster › nodes', () => {
    const config = loaded({
      cache: { redis: { cluster: { nodes: [{ host: '10.0.0.5', port: 7000 }], password: 'pw' } } },
    });
    expect(config.cache.redis.cluster).toEqual({
      nodes: [{ host: '10.0.0.5', port: 7000 }],
      password: 'pw',
      tls: false,
    });
  });
});

describe('cache.redis › refused, with the key and the fix', () => {
  test('REDIS_URL without a scheme › names the key, quotes the value', () => {
    expect(problems({}, { REDIS_URL: 'localhost:6379' })).toEqual([
      'environment: REDIS_URL (cache.redis.url) must be a redis:// or rediss:// URL such as "redis://127.0.0.1:6379" (the environment variable REDIS_URL sets it too), got "localhost:6379"',
    ]);
  });

  test('http:// URL with a password › the password is not shown', () => {
    const [problem] = problems({ cache: { redis: { url: 'http://user:hunter2@cache.example:6379' } } });
    expect(problem).toContain('got "http://user:***@cache.example:6379"');
    expect(problem).not.toContain('hunter2');
  });

  test('url and cluster › cannot be combined', () => {
    expect(
      problems(
        { cache: { redis: { cluster: { nodes: [{ host: '10.0.0.5', port: 7000 }] } } } },
        { REDIS_URL: 'redis://10.0.0.9:6379' },
      ),
    ).toEqual([
      'config.json: cache.redis.cluster cannot be combined with cache.redis.url (or REDIS_URL): keep exactly one of url (one server), sentinel (Redis Sentinel) or cluster (Redis Cluster)',
    ]);
  });

  test('sentinel and cluster › cannot be combined', () => {
    const redis = {
      sentinel: { sentinels: [{ host: '10.0.0.5', port: 26379 }], name: 'mymaster' },
      cluster: { nodes: [{ host: '10.0.0.5', port: 7000 }] },
    };
    expect(problems({ cache: { redis } })).toEqual([
      expect.stringContaining('cache.redis.cluster cannot be combined with cache.redis.sentinel: keep exactly one'),
    ]);
  });

  test('sentinel without sentinels or name › each problem listed', () => {
    expect(problems({ cache: { redis: { sentinel: { sentinels: [], name: '' } } } })).toEqual([
      'config.json: cache.redis.sentinel.sentinels must list at least one sentinel, e.g. [{"host": "10.0.0.5", "port": 26379}], got []',
      'config.json: cache.redis.sentinel.name must name the master group, e.g. "mymaster", got ""',
    ]);
  });

  test('keyPrefix with a glob character or a colon › refused', () => {
    expect(problems({ cache: { redis: { keyPrefix: 'mail*' } } })).toEqual([
      expect.stringContaining('cache.redis.keyPrefix must be 1 to 64 letters'),
    ]);
    expect(problems({ cache: { redis: { keyPrefix: 'a:b' } } })).toHaveLength(1);
  });

  test('commandTimeoutMs out of range › refused', () => {
    expect(problems({ cache: { redis: { commandTimeoutMs: 0 } } })).toEqual([
      'config.json: cache.redis.commandTimeoutMs must be a whole number of milliseconds from 10 to 60000, got 0',
    ]);
  });

  test('unknown key › refused', () => {
    expect(problems({ cache: { redis: { host: 'x' } } })).toEqual([
      expect.stringContaining('cache.redis has unknown key(s) "host"'),
    ]);
  });
});

describe('admin.token', () => {
  test('not set › null (no admin API)', () => {
    expect(loaded({}).admin).toEqual({ token: null });
  });

  test('ADMIN_TOKEN › sets it', () => {
    expect(loaded({}, { ADMIN_TOKEN: 'a'.repeat(32) }).admin.token).toBe('a'.repeat(32));
  });

  test('too short › refused, without showing the value', () => {
    const found = problems({}, { ADMIN_TOKEN: 'short-secret' });
    expect(found).toEqual([
      expect.stringContaining('environment: ADMIN_TOKEN (admin.token) must be at least 16 printable ASCII characters'),
    ]);
    expect(found.join('\n')).not.toContain('short-secret');
  });

  test('with a space › refused', () => {
    expect(problems({ admin: { token: 'sixteen chars and more' } })).toHaveLength(1);
  });
});
