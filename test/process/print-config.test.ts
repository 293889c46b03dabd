/**
 * `npm run config:print`, run the way npm runs it (tsx) with only the given environment: the effective
 * configuration as JSON with secrets redacted, start-up's problem list for an invalid one, usage errors.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load';
import { redactConfig } from '../../src/config/redact-config';
import { runTool } from '../support/cli';

/** `mail-autodiscover config print <args>`, which `npm run config:print` runs. */
const cli = (args: readonly string[], env: Record<string, string>) => runTool(['config', 'print', ...args], env);

const SECRETS = {
  ADMIN_TOKEN: 'admin-token-0123456789abcdef',
  REDIS_URL: 'redis://:redis-secret@10.0.0.5:6379/0',
  DATABASE_URL: 'postgres://mail:pg-secret@db.example:5432/mail',
};

let folder: string;
let configFile: string;
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'print-config-'));
  configFile = path.join(folder, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      server: { https: { certFile: 'cert.pem', keyFile: 'key.pem' } },
      popAccess: { smtp: [{ host: 'smtp.example.net', port: 465, socket: 'tls' }] },
      directory: { type: 'postgres' },
    }),
  );
  writeFileSync(path.join(folder, 'bad.json'), JSON.stringify({ server: { port: 99999 }, businessMail: { x: 1 } }));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('mail-autodiscover config print (npm run config:print)', () => {
  test('valid › exit 0, the loaded configuration with every secret redacted', async () => {
    const env = { CONFIG_FILE: configFile, PORT: '8081', WORKERS: '3', ...SECRETS };
    const run = await cli([], env);
    expect(run.code).toBe(0);
    const loaded = loadConfig(env);
    if (!loaded.ok) throw new Error(loaded.error.join('\n'));
    const printed: unknown = JSON.parse(run.stdout);
    expect(printed).toEqual(redactConfig(loaded.value.config));
    expect(printed).toMatchObject({
      server: { port: 8081, workers: 3, redirectPlainHttpAutodiscover: true },
      businessMail: { smtp: [{ host: 'smtp.example.net', port: 465, socket: 'tls' }], outlookRedirectUrl: null },
      directory: { url: 'postgres://mail:***@db.example:5432/mail' },
      cache: { redis: { url: 'redis://:***@10.0.0.5:6379/0' } },
      admin: { token: '***' },
    });
    for (const secret of ['admin-token-0123456789abcdef', 'redis-secret', 'pg-secret'])
      expect(run.stdout).not.toContain(secret);
  });

  test('invalid › exit 1 with the problems start-up lists', async () => {
    const env = { CONFIG_FILE: path.join(folder, 'bad.json') };
    const run = await cli([], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const loaded = loadConfig(env);
    if (loaded.ok) throw new Error('expected the config to be refused');
    expect(loaded.error).toHaveLength(2);
    for (const problem of loaded.error) expect(run.stderr).toContain(`  - ${problem}\n`);
  });

  test('--help › exit 0 with the usage', async () => {
    const run = await cli(['--help'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage:');
  });

  test.each([['--bogus'], ['extra']])('%s › exit 2 with the usage', async (arg) => {
    const run = await cli([arg], { CONFIG_FILE: configFile });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage:');
    expect(run.stdout).toBe('');
  });
});
