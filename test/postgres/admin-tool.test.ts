/**
 * `mail-autodiscover migrate`, `seed`, `check` and `dns` as processes against PostgreSQL: the tool
 * sets up the database the service reads, then reports answers from it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPool } from '../../src/directory/postgres-directory';
import { quoteIdentifier } from '../../src/directory/postgres-schema';
import { redactUrlPassword } from '../../src/config/redact-config';
import { describeWithPostgres, uniqueTestNamespace } from '../support/backends';
import { runTool } from '../support/cli';
import { settingsFor } from './fixture';

describeWithPostgres('mail-autodiscover migrate, seed, check, dns › PostgreSQL', () => {
  const schema = uniqueTestNamespace('pg_tool');
  let folder: string;
  let env: Record<string, string>;
  beforeAll(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'pg-tool-'));
    const configFile = path.join(folder, 'config.json');
    writeFileSync(configFile, JSON.stringify({ directory: { type: 'postgres', schema } }));
    env = { CONFIG_FILE: configFile, DATABASE_URL: settingsFor(schema).url };
  });
  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    const pool = createPool(settingsFor(schema), 'cleanup');
    await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
    await pool.end();
  });

  test('migrate and seed through the tool › check and dns answer from the tables', async () => {
    expect(await runTool(['migrate'], env)).toMatchObject({ code: 0, stderr: '' });
    const seeded = await runTool(['seed', 'config/accounts.json'], env);
    expect(seeded).toMatchObject({ code: 0, stderr: '' });
    expect(seeded.stdout).toContain('4 domain(s) and 2 account(s)');

    const check = await runTool(['check', 'business.user@example.com', '--json'], env);
    expect(check).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(check.stdout)).toMatchObject({
      accessType: 'business',
      mailbox: 'known',
      directory: `postgres ${redactUrlPassword(settingsFor(schema).url)} (schema "${schema}")`,
      cache: { kind: 'in-process', result: 'miss' },
    });
    const dns = await runTool(['dns', 'example.org'], env);
    expect(dns.code).toBe(0);
    expect(dns.stdout).toContain('; example.org: Business Mail (Exchange) by default');
  });

  test('PostgreSQL unreachable › check exits 1 naming the problem, no stack', async () => {
    const run = await runTool(['check', 'pop.user@example.com'], {
      ...env,
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^check: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
