import { dirname, resolve } from 'node:path';
import { err, ok, type Result } from '../model/result';
import { formatIssues } from './format-issues';
import { readDataFile } from './read-data-file';
import type { EnvironmentBinding } from './environment-binding';
import { configSchema, environmentBindings, type AppConfig } from './schema';

export const DEFAULT_CONFIG_FILE = 'config/default.json';
/** Names the config file; the other variables are declared beside the keys they set (`environmentBindings`). */
export const CONFIG_FILE_VARIABLE = 'CONFIG_FILE';

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
 * variables declared beside each section's schema and validates everything, reporting every problem at once.
 */
export function loadConfig(env: Environment, cwd: string = process.cwd()): Result<LoadedConfig, string[]> {
  const configFile = resolve(cwd, env[CONFIG_FILE_VARIABLE] ?? DEFAULT_CONFIG_FILE);
  const raw = readDataFile(configFile);
  if (!raw.ok) return err([raw.error]);
  if (typeof raw.value !== 'object' || raw.value === null || Array.isArray(raw.value)) {
    return err([`${configFile}: must hold an object of settings, e.g. {"server": {"port": 8080}}`]);
  }
  const problems: string[] = [];
  let withEnv = raw.value as Record<string, unknown>;
  const setByEnvironment: EnvironmentBinding[] = [];
  for (const binding of environmentBindings) {
    const applied = applyEnvironmentBinding(withEnv, binding, env[binding.variable]);
    if (!applied.ok) problems.push(applied.error);
    else if (applied.value !== withEnv) {
      withEnv = applied.value;
      setByEnvironment.push(binding);
    }
  }
  const parsed = configSchema.safeParse(withEnv, { reportInput: true });
  if (!parsed.success) {
    // A value from the environment that the schema refuses is the variable's fault, not the file's.
    const variableThatSet = (path: readonly PropertyKey[]): string | undefined =>
      setByEnvironment.find((binding) => binding.path.every((key, index) => path[index] === key))?.variable;
    problems.push(...formatIssues(configFile, parsed.error.issues, variableThatSet));
  }
  if (problems.length > 0 || !parsed.success) return err(problems);
  return ok({
    config: deepFreeze(parsed.data),
    configFile,
    accountsFile:
      parsed.data.directory.type === 'file' ? resolve(dirname(configFile), parsed.data.directory.file) : null,
  });
}

/**
 * The file's settings with the variable's value at the binding's key, copying only the objects on the
 * way. Left as they are when the variable is unset or empty, when the binding does not apply, or when
 * a section on the way is not an object (the schema then reports that).
 */
function applyEnvironmentBinding(
  file: Record<string, unknown>,
  binding: EnvironmentBinding,
  text: string | undefined,
): Result<Record<string, unknown>, string> {
  if (text === undefined || text === '') return ok(file);
  const [key, ...rest] = binding.path;
  const holder = objectAt(file, binding.path.slice(0, -1));
  if (holder === null || !Object.entries(binding.onlyWhen ?? {}).every(([name, value]) => holder[name] === value))
    return ok(file);
  const value = binding.parse === undefined ? ok(text) : binding.parse(text);
  if (!value.ok) return err(`environment: ${binding.variable} ${value.error}, got ${JSON.stringify(text)}`);
  return ok(withValueAt(file, key, rest, value.value));
}

/** The object at `path` (an absent one counts as empty), or null when something else is there. */
function objectAt(file: Record<string, unknown>, path: readonly string[]): Record<string, unknown> | null {
  let at: Record<string, unknown> = file;
  for (const key of path) {
    const next = at[key] ?? {};
    if (!isObject(next)) return null;
    at = next;
  }
  return at;
}

function withValueAt(
  object: Record<string, unknown>,
  key: string,
  rest: readonly string[],
  value: unknown,
): Record<string, unknown> {
  const [next, ...after] = rest;
  if (next === undefined) return { ...object, [key]: value };
  const child = object[key];
  return { ...object, [key]: withValueAt(isObject(child) ? child : {}, next, after, value) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
