/**
 * The example config files under config/ load with src/config/load.ts, given the environment
 * variables they expect (the secrets they leave out), and every config/ file the README names exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/load';
import { REPO_ROOT } from '../support/app';

const DATABASE_URL = 'postgres://mail:secret@db.example:5432/mail';

const load = (file: string, env: Record<string, string> = {}) =>
  loadConfig({ CONFIG_FILE: path.join('config', file), ...env }, REPO_ROOT);

describe('example config files', () => {
  test('config/default.json › a file directory over config/accounts.json', () => {
    const loaded = load('default.json');
    if (!loaded.ok) throw new Error(loaded.error.join('\n'));
    expect(loaded.value.config.directory).toMatchObject({ type: 'file', file: 'accounts.json' });
    expect(loaded.value.accountsFile).toBe(path.join(REPO_ROOT, 'config', 'accounts.json'));
  });

  test('config/postgres.json with DATABASE_URL › a PostgreSQL directory on that database', () => {
    const loaded = load('postgres.json', { DATABASE_URL });
    if (!loaded.ok) throw new Error(loaded.error.join('\n'));
    expect(loaded.value.config.directory).toEqual({
      type: 'postgres',
      url: DATABASE_URL,
      schema: 'public',
      poolMax: 10,
      connectionTimeoutMs: 2000,
      statementTimeoutMs: 2000,
      idleTimeoutMs: 30_000,
    });
    expect(loaded.value.accountsFile).toBeNull();
  });

  test('config/postgres.json without DATABASE_URL › refused, naming the variable (the password stays out of the file)', () => {
    const loaded = load('postgres.json');
    expect(loaded.ok ? [] : loaded.error).toEqual([expect.stringMatching(/directory\.url is required .*DATABASE_URL/)]);
  });

  test('config/http.json with DIRECTORY_HTTP_TOKEN › an HTTP directory sending that token', () => {
    const loaded = load('http.json', { DIRECTORY_HTTP_TOKEN: 'tok_3f9a' });
    if (!loaded.ok) throw new Error(loaded.error.join('\n'));
    expect(loaded.value.config.directory).toEqual({
      type: 'http',
      urlTemplate: 'https://admin.example/api/mail-access?domain={domain}&address={address}',
      timeoutMs: 2000,
      maxResponseBytes: 65_536,
      bearerToken: 'tok_3f9a',
    });
  });

  test.each(
    readdirSync(path.join(REPO_ROOT, 'config')).filter(
      (name) => /\.(json|ya?ml)$/.test(name) && name !== 'accounts.json',
    ),
  )('config/%s › loads with the secrets it leaves to the environment', (file) => {
    const loaded = load(file, { DATABASE_URL, DIRECTORY_HTTP_TOKEN: 'tok_3f9a' });
    expect(loaded.ok ? [] : loaded.error).toEqual([]);
  });

  test('every config/… file the README names exists', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const named = new Set(
      [...readme.matchAll(/(?<![\w/.-])config\/[\w.-]+\.(?:json|ya?ml)\b/g)].map((match) => match[0]),
    );
    expect(named.size).toBeGreaterThan(0);
    for (const file of named) expect([file, existsSync(path.join(REPO_ROOT, file))]).toEqual([file, true]);
  });
});
