import { configSchema, type AppConfig } from '../../src/config/schema';
import { redactConfig, REDACTED, redactUrlPassword } from '../../src/config/redact-config';

const parse = (input: unknown): AppConfig => configSchema.parse(input);

describe('redactUrlPassword', () => {
  test.each([
    ['redis://:secret@10.0.0.5:6379/0', 'redis://:***@10.0.0.5:6379/0'],
    ['rediss://user:p%40ss@cache.example:6380', 'rediss://user:***@cache.example:6380'],
    ['postgres://mail:secret@db.example:5432/mail', 'postgres://mail:***@db.example:5432/mail'],
    ['postgres://mail@db.example:5432/mail', 'postgres://mail@db.example:5432/mail'],
    ['redis://10.0.0.5:6379', 'redis://10.0.0.5:6379'],
  ])('%s › %s', (url, expected) => {
    expect(redactUrlPassword(url)).toBe(expected);
  });
});

describe('redactConfig', () => {
  test('no secrets set › the same configuration', () => {
    const config = parse({});
    expect(redactConfig(config)).toEqual(config);
  });

  test('admin.token and the Redis URL password › redacted, nothing else changed', () => {
    const config = parse({
      admin: { token: 'a'.repeat(32) },
      cache: { ttlSeconds: 30, redis: { url: 'redis://:secret@10.0.0.5:6379/0', keyPrefix: 'eu1' } },
    });
    expect(redactConfig(config)).toEqual({
      ...config,
      admin: { token: REDACTED },
      cache: { ...config.cache, redis: { ...config.cache.redis, url: 'redis://:***@10.0.0.5:6379/0' } },
    });
  });

  test('Sentinel passwords › both redacted, the rest kept', () => {
    const sentinel = {
      sentinels: [{ host: '10.0.0.5', port: 26379 }],
      name: 'mymaster',
      username: 'app',
      password: 'node-secret',
      sentinelPassword: 'sentinel-secret',
    };
    const config = parse({ cache: { redis: { sentinel } } });
    expect(redactConfig(config)).toEqual({
      ...config,
      cache: {
        ...config.cache,
        redis: {
          ...config.cache.redis,
          sentinel: { ...config.cache.redis.sentinel, password: REDACTED, sentinelPassword: REDACTED },
        },
      },
    });
  });

  test('Cluster password › redacted; a cluster without one › unchanged', () => {
    const nodes = [{ host: '10.0.0.5', port: 7000 }];
    const withPassword = parse({ cache: { redis: { cluster: { nodes, password: 'secret' } } } });
    expect(redactConfig(withPassword)).toEqual({
      ...withPassword,
      cache: {
        ...withPassword.cache,
        redis: { ...withPassword.cache.redis, cluster: { nodes, tls: false, password: REDACTED } },
      },
    });
    const without = parse({ cache: { redis: { cluster: { nodes } } } });
    expect(redactConfig(without)).toEqual(without);
  });

  test('PostgreSQL directory › the password in directory.url redacted', () => {
    const config = parse({ directory: { type: 'postgres', url: 'postgres://mail:secret@db.example:5432/mail' } });
    expect(redactConfig(config)).toEqual({
      ...config,
      directory: { ...config.directory, url: 'postgres://mail:***@db.example:5432/mail' },
    });
  });

  test('HTTP directory › directory.bearerToken redacted; without one › unchanged', () => {
    const urlTemplate = 'https://admin.example/api/mail-directory?domain={domain}';
    const config = parse({ directory: { type: 'http', urlTemplate, bearerToken: 'tok-123' } });
    expect(redactConfig(config)).toEqual({ ...config, directory: { ...config.directory, bearerToken: REDACTED } });
    const without = parse({ directory: { type: 'http', urlTemplate } });
    expect(redactConfig(without)).toEqual(without);
    expect(redactConfig(without).directory).not.toHaveProperty('bearerToken');
  });

  test('the input › left as it is', () => {
    const config = parse({ admin: { token: 'a'.repeat(32) } });
    redactConfig(config);
    expect(config.admin.token).toBe('a'.repeat(32));
  });
});
