import { dirname, resolve } from 'node:path';
import { err, ok, type Result } from '../model/result';
import { formatIssues } from './format-issues';
import { readDataFile } from './read-data-file';
import { configSchema, type AppConfig } from './schema';

export const DEFAULT_CONFIG_FILE = 'config/default.json';

export interface LoadedConfig {
  readonly config: AppConfig;
  /** Absolute path of the config file, or null when running on built-in defaults. */
  readonly configFile: string | null;
  /** The account file, resolved against the config file's folder; null unless `directory.type` is "file". */
  readonly accountsFile: string | null;
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads the config file named by CONFIG_FILE (default config/default.json), applies the environment
 * overrides (PORT, HOST, LOG_LEVEL, DATABASE_URL, DIRECTORY_HTTP_TOKEN) and validates everything, reporting every problem at once.
 */
export function loadConfig(env: Environment, cwd: string = process.cwd()): Result<LoadedConfig, string[]> {
  const configFile = resolve(cwd, env['CONFIG_FILE'] ?? DEFAULT_CONFIG_FILE);
  const raw = readDataFile(configFile);
  if (!raw.ok) return err([raw.error]);
  if (typeof raw.value !== 'object' || raw.value === null || Array.isArray(raw.value)) {
    return err([`${configFile}: must hold an object of settings, e.g. {"server": {"port": 8080}}`]);
  }
  const problems: string[] = [];
  const withEnv = applyEnvironment(raw.value as Record<string, unknown>, env, problems);
  const parsed = configSchema.safeParse(withEnv, { reportInput: true });
  if (!parsed.success) problems.push(...formatIssues(configFile, parsed.error.issues));
  if (problems.length > 0 || !parsed.success) return err(problems);
  return ok({
    config: deepFreeze(parsed.data),
    configFile,
    accountsFile:
      parsed.data.directory.type === 'file' ? resolve(dirname(configFile), parsed.data.directory.file) : null,
  });
}

function applyEnvironment(
  file: Record<string, unknown>,
  env: Environment,
  problems: string[],
): Record<string, unknown> {
  const server = { ...asObject(file['server']) };
  const log = { ...asObject(file['log']) };
  const portText = env['PORT'];
  if (portText !== undefined && portText !== '') {
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      problems.push(`environment: PORT must be a TCP port from 1 to 65535, got ${JSON.stringify(portText)}`);
    } else {
      server['port'] = port;
    }
  }
  if (env['HOST'] !== undefined && env['HOST'] !== '') server['host'] = env['HOST'];
  if (env['LOG_LEVEL'] !== undefined && env['LOG_LEVEL'] !== '') log['level'] = env['LOG_LEVEL'];
  // Shared-cache and admin secrets: REDIS_URL sets cache.redis.url, ADMIN_TOKEN sets admin.token.
  const cache = asObject(file['cache']);
  if (env['REDIS_URL'] !== undefined && env['REDIS_URL'] !== '')
    file = { ...file, cache: { ...cache, redis: { ...asObject(cache['redis']), url: env['REDIS_URL'] } } };
  if (env['ADMIN_TOKEN'] !== undefined && env['ADMIN_TOKEN'] !== '')
    file = { ...file, admin: { ...asObject(file['admin']), token: env['ADMIN_TOKEN'] } };
  // Directory secrets: applied only to the directory type that has the key, so a stray variable is harmless.
  const directory = asObject(file['directory']);
  const secret: Record<string, unknown> = {};
  if (directory['type'] === 'postgres' && env['DATABASE_URL'] !== undefined && env['DATABASE_URL'] !== '')
    secret['url'] = env['DATABASE_URL'];
  if (directory['type'] === 'http' && env['DIRECTORY_HTTP_TOKEN'] !== undefined && env['DIRECTORY_HTTP_TOKEN'] !== '') {
    secret['bearerToken'] = env['DIRECTORY_HTTP_TOKEN'];
  }
  return {
    ...file,
    server,
    log,
    ...(Object.keys(secret).length > 0 ? { directory: { ...directory, ...secret } } : {}),
  };
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
