import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load';

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'directory-config-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Loads `{"directory": directory}` from a temp config file with the given environment. */
function load(directory: unknown, env: Record<string, string> = {}) {
  const configFile = path.join(folder, 'config.json');
  writeFileSync(configFile, JSON.stringify(directory === undefined ? {} : { directory }));
  return { configFile, loaded: loadConfig({ CONFIG_FILE: configFile, ...env }, folder) };
}

function problemsOf(directory: unknown, env: Record<string, string> = {}): string[] {
  const { loaded } = load(directory, env);
  if (loaded.ok) throw new Error('expected the config to be refused');
  return loaded.error;
}

describe('file directory (the default)', () => {
  test.each([
    ['no directory section', undefined],
    ['an empty section', {}],
    ['a file without type', { file: 'accounts.json' }],
  ])('%s › file accounts.json next to the config, watched', (_name, directory) => {
    const { loaded } = load(directory);
    expect(loaded.ok && loaded.value.config.directory).toEqual({
      type: 'file',
      file: 'accounts.json',
      watch: true,
      reloadDelayMs: 200,
    });
    expect(loaded.ok && loaded.value.accountsFile).toBe(path.join(folder, 'accounts.json'));
  });

  test('DATABASE_URL and DIRECTORY_HTTP_TOKEN are ignored by a file directory', () => {
    const { loaded } = load({ type: 'file' }, { DATABASE_URL: 'postgres://x@db/mail', DIRECTORY_HTTP_TOKEN: 'secret' });
    expect(loaded.ok).toBe(true);
  });

  test('a bad reload delay › names the key and the range', () => {
    expect(problemsOf({ reloadDelayMs: -1 })[0]).toMatch(
      /directory\.reloadDelayMs must be a whole number of milliseconds from 0 to 60000, got -1$/,
    );
  });
});

test('an unknown type › lists the three types', () => {
  expect(problemsOf({ type: 'ldap' })).toEqual([
    expect.stringContaining(
      'directory.type must be "file" (an account file, the default), "postgres" (PostgreSQL tables) or "http" (a JSON endpoint)',
    ),
  ]);
});

test('a key of another type › refused as unknown', () => {
  expect(problemsOf({ type: 'postgres', url: 'postgres://db/mail', file: 'accounts.json' })).toEqual([
    expect.stringContaining('directory has unknown key(s) "file"'),
  ]);
});

describe('postgres directory', () => {
  test('defaults', () => {
    const { loaded } = load({ type: 'postgres', url: 'postgres://mail@db.example:5432/mail' });
    expect(loaded.ok && loaded.value.config.directory).toEqual({
      type: 'postgres',
      url: 'postgres://mail@db.example:5432/mail',
      schema: 'public',
      poolMax: 10,
      connectionTimeoutMs: 2000,
      statementTimeoutMs: 2000,
      idleTimeoutMs: 30000,
    });
    expect(loaded.ok && loaded.value.accountsFile).toBeNull();
  });

  test('no url › says to set it or DATABASE_URL', () => {
    expect(problemsOf({ type: 'postgres' })).toEqual([
      expect.stringMatching(
        /directory\.url is required when directory\.type is "postgres": set it to a URL such as ".*" or set the environment variable DATABASE_URL$/,
      ),
    ]);
  });

  test('DATABASE_URL › overrides the file', () => {
    const { loaded } = load(
      { type: 'postgres', url: 'postgres://file@db/mail' },
      { DATABASE_URL: 'postgresql://env@db/mail' },
    );
    expect(loaded.ok && loaded.value.config.directory).toMatchObject({ url: 'postgresql://env@db/mail' });
  });

  test('a bad url, schema and timeout › one line each, naming the key', () => {
    const problems = problemsOf({
      type: 'postgres',
      url: 'mysql://db/mail',
      schema: 'Mail; drop',
      connectionTimeoutMs: 5,
    });
    expect(problems).toEqual([
      expect.stringContaining('directory.url must be a postgres:// or postgresql:// URL'),
      expect.stringContaining('directory.schema must be a lower-case SQL identifier'),
      expect.stringContaining(
        'directory.connectionTimeoutMs must be a whole number of milliseconds from 100 to 60000, got 5',
      ),
    ]);
  });
});

describe('http directory', () => {
  const urlTemplate = 'https://admin.example/api/mail?domain={domain}&address={address}';

  test('defaults, DIRECTORY_HTTP_TOKEN › bearer token', () => {
    const { loaded } = load({ type: 'http', urlTemplate }, { DIRECTORY_HTTP_TOKEN: 'tok-123' });
    expect(loaded.ok && loaded.value.config.directory).toEqual({
      type: 'http',
      urlTemplate,
      timeoutMs: 2000,
      bearerToken: 'tok-123',
      maxResponseBytes: 65536,
    });
  });

  test.each([
    ['no url', undefined, 'directory.urlTemplate'],
    ['ftp', 'ftp://admin.example/{domain}', 'must be an http:// or https:// URL, not ftp://'],
    ['relative', '/api/{domain}', 'must be an absolute http:// or https:// URL'],
    ['no {domain}', 'https://admin.example/api?address={address}', 'must contain {domain}'],
    [
      'unknown placeholder',
      'https://admin.example/api/{domain}/{mailbox}',
      'has unknown placeholder(s) {mailbox}; use {domain}',
    ],
    [
      'credentials',
      'https://user:pw@admin.example/api/{domain}',
      'must not contain credentials; put the token in directory.bearerToken',
    ],
  ])('%s › refused with the fix', (_name, template, message) => {
    expect(problemsOf({ type: 'http', urlTemplate: template })).toEqual([expect.stringContaining(message)]);
  });

  test('a token with spaces › refused', () => {
    expect(problemsOf({ type: 'http', urlTemplate, bearerToken: 'two words' })).toEqual([
      expect.stringContaining('directory.bearerToken must be printable ASCII without spaces'),
    ]);
  });
});
