import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load';
import { MAX_WORKERS, resolveWorkers } from '../../src/config/server-schema';

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'workers-config-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Loads `server` as the config file's `server` section, with `env` as the environment. */
function load(server: object, env: Record<string, string> = {}) {
  writeFileSync(path.join(folder, 'config.json'), JSON.stringify({ server }));
  return loadConfig({ CONFIG_FILE: 'config.json', ...env }, folder);
}

function workers(server: object, env: Record<string, string> = {}): number {
  const result = load(server, env);
  if (!result.ok) throw new Error(result.error.join('\n'));
  return result.value.config.server.workers;
}

/** The problems, with the config file's path shortened to "config.json". */
function problems(server: object, env: Record<string, string> = {}): string[] {
  const result = load(server, env);
  if (result.ok) throw new Error('expected the config to be refused');
  return result.error.map((line) => line.replace(path.join(folder, 'config.json'), 'config.json'));
}

const FIX = 'must be a whole number of worker processes from 1 to 256, or "auto" (one per core)';

describe('server.workers › accepted', () => {
  test('not set › 1: npm start serves in one process', () => {
    expect(workers({})).toBe(1);
  });

  test.each([1, 2, 16, MAX_WORKERS])('%s in the file › that many', (count) => {
    expect(workers({ workers: count })).toBe(count);
  });

  test('"auto" in the file › one per core this process may use', () => {
    expect(workers({ workers: 'auto' })).toBe(Math.min(availableParallelism(), MAX_WORKERS));
  });

  test('WORKERS › overrides the file, as a number or "auto"', () => {
    expect(workers({ workers: 4 }, { WORKERS: '3' })).toBe(3);
    expect(workers({ workers: 4 }, { WORKERS: 'auto' })).toBe(Math.min(availableParallelism(), MAX_WORKERS));
  });

  test('WORKERS empty › counts as unset', () => {
    expect(workers({ workers: 4 }, { WORKERS: '' })).toBe(4);
  });

  test('"auto" › resolved to the core count, never above the maximum', () => {
    expect(resolveWorkers('auto', 2)).toBe(2);
    expect(resolveWorkers('auto', 1024)).toBe(MAX_WORKERS);
    expect(resolveWorkers(3, 1024)).toBe(3);
  });
});

describe('server.workers › refused, naming the key and the fix', () => {
  test.each([[0], [257], [1.5], ['two'], [null], [true]])('%p in the file', (value) => {
    expect(problems({ workers: value })).toEqual([`config.json: server.workers ${FIX}, got ${JSON.stringify(value)}`]);
  });

  test.each([['0'], ['257'], ['1.5'], ['-1'], ['two'], ['AUTO'], [' 2']])('WORKERS=%p', (text) => {
    expect(problems({}, { WORKERS: text })).toEqual([`environment: WORKERS ${FIX}, got ${JSON.stringify(text)}`]);
  });
});
