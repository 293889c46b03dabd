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
  /** The account file, resolved against the config file's folder. */
  readonly accountsFile: string;
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads the config file named by CONFIG_FILE (default config/default.json), applies the environment
 * overrides (PORT, HOST, LOG_LEVEL) and validates everything, reporting every problem at once.
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
    accountsFile: resolve(dirname(configFile), parsed.data.directory.file),
  });
}

function applyEnvironment(file: Record<string, unknown>, env: Environment, problems: string[]): Record<string, unknown> {
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
  return { ...file, server, log };
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
