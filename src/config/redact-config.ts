import type { RedisConfig } from './cache-schema';
import type { DirectoryConfig } from './directory-schema';
import type { AppConfig } from './schema';

/** What a secret is replaced by, so a reader sees that one is set without seeing it. */
export const REDACTED = '***';

/** The URL without its password, for messages and logs: `redis://:***@host:6379/0`. */
export function redactUrlPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, `$1:${REDACTED}@`);
}

/**
 * The configuration with every secret replaced (tokens, passwords, the password in a connection URL),
 * safe to print or log; everything else is left as it is.
 */
export function redactConfig(config: AppConfig): AppConfig {
  return {
    ...config,
    directory: redactDirectory(config.directory),
    cache: { ...config.cache, redis: redactRedis(config.cache.redis) },
    admin: { ...config.admin, token: config.admin.token === null ? null : REDACTED },
  };
}

function redactDirectory(directory: DirectoryConfig): DirectoryConfig {
  switch (directory.type) {
    case 'file':
      return directory;
    case 'postgres':
      return { ...directory, url: redactUrlPassword(directory.url) };
    case 'http':
      return { ...directory, ...(directory.bearerToken === undefined ? {} : { bearerToken: REDACTED }) };
  }
}

function redactRedis(redis: RedisConfig): RedisConfig {
  const { url, sentinel, cluster } = redis;
  return {
    ...redis,
    url: url === null ? null : redactUrlPassword(url),
    ...(sentinel === undefined
      ? {}
      : {
          sentinel: {
            ...sentinel,
            ...redactPassword(sentinel),
            ...(sentinel.sentinelPassword === undefined ? {} : { sentinelPassword: REDACTED }),
          },
        }),
    ...(cluster === undefined ? {} : { cluster: { ...cluster, ...redactPassword(cluster) } }),
  };
}

const redactPassword = (node: { readonly password?: string | undefined }): { password?: string } =>
  node.password === undefined ? {} : { password: REDACTED };
