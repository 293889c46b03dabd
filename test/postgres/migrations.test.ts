/**
 * Versioned migrations against the real PostgreSQL: a fresh schema, the upgrade of a schema made by
 * the unversioned migrate of earlier releases, re-runs, concurrent runs, and the printed script.
 */
import type { Pool } from 'pg';
import { migrate, MigrationConflictError, seed } from '../../src/directory/postgres-admin';
import { createPool } from '../../src/directory/postgres-directory';
import { LATEST_VERSION, MIGRATIONS, quoteIdentifier, schemaSql } from '../../src/directory/postgres-schema';
import { runCli, TOOL } from '../support/cli';
import { describeWithPostgres, uniqueTestNamespace } from '../support/backends';
import { FIXTURE_DATA, settingsFor } from './fixture';
import { unversionedSchemaSql } from './unversioned-schema';

jest.setTimeout(30_000);

const VERSION_1 = { version: 1, description: 'tables mail_domains and mail_accounts' };

describeWithPostgres('PostgreSQL migrations', () => {
  let pool: Pool;
  const schemas: string[] = [];
  /** A schema name of this test's own, dropped after the file. */
  const newSchema = (label: string): string => {
    const schema = uniqueTestNamespace(label);
    schemas.push(schema);
    return schema;
  };
  beforeAll(() => {
    // Room for the concurrent runs below, each holding a connection for its transaction.
    pool = createPool(settingsFor('public', { poolMax: 10 }), 'migrations-test');
  });
  afterAll(async () => {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
    await pool.end();
  });

  const versions = async (schema: string): Promise<{ version: number; description: string; applied_at: Date }[]> =>
    (
      await pool.query<{ version: number; description: string; applied_at: Date }>(
        `SELECT version, description, applied_at FROM ${quoteIdentifier(schema)}.schema_migrations ORDER BY version`,
      )
    ).rows;
  const accountCount = async (schema: string): Promise<string | undefined> =>
    (await pool.query<{ count: string }>(`SELECT count(*) FROM ${quoteIdentifier(schema)}.mail_accounts`)).rows[0]
      ?.count;

  test('version 1 is the first and the latest; versions are 1, 2, 3 … in order', () => {
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual(
      Array.from({ length: MIGRATIONS.length }, (_, index) => index + 1),
    );
    expect(LATEST_VERSION).toBe(MIGRATIONS.length);
    expect(MIGRATIONS[0]).toMatchObject(VERSION_1);
  });

  test('fresh database › every version applied and recorded; the tables work', async () => {
    const schema = newSchema('mig_fresh');
    expect(await migrate(pool, schema)).toEqual({ schema, applied: [VERSION_1], adopted: false, version: 1 });
    expect(await versions(schema)).toEqual([{ ...VERSION_1, applied_at: expect.any(Date) as unknown }]);
    await seed(pool, schema, FIXTURE_DATA, { replace: false });
    expect(await accountCount(schema)).toBe('4');
  });

  test('re-run › nothing applied, the record and the rows untouched', async () => {
    const schema = newSchema('mig_rerun');
    await migrate(pool, schema);
    await seed(pool, schema, FIXTURE_DATA, { replace: false });
    const before = await versions(schema);
    expect(await migrate(pool, schema)).toEqual({ schema, applied: [], adopted: false, version: 1 });
    expect(await versions(schema)).toEqual(before);
    expect(await accountCount(schema)).toBe('4');
  });

  test('a schema made by the unversioned migrate › taken over as version 1, rows kept; then a no-op', async () => {
    const schema = newSchema('mig_upgrade');
    await pool.query(unversionedSchemaSql(schema));
    await seed(pool, schema, FIXTURE_DATA, { replace: false });
    expect(await migrate(pool, schema)).toEqual({ schema, applied: [], adopted: true, version: 1 });
    expect(await versions(schema)).toEqual([{ ...VERSION_1, applied_at: expect.any(Date) as unknown }]);
    expect(await accountCount(schema)).toBe('4');
    expect(await migrate(pool, schema)).toEqual({ schema, applied: [], adopted: false, version: 1 });
  });

  test.each([
    ['a fresh schema', (): string => ''],
    ['an unversioned schema', unversionedSchemaSql],
  ])('six migrate runs at once on %s › one does the work, the others wait and find nothing to do', async (_, setUp) => {
    const schema = newSchema('mig_concurrent');
    const sql = setUp(schema);
    if (sql !== '') await pool.query(sql);
    const reports = await Promise.all(Array.from({ length: 6 }, () => migrate(pool, schema)));
    const working = reports.filter((report) => report.applied.length > 0 || report.adopted);
    expect(working).toHaveLength(1);
    expect(reports.every((report) => report.version === 1)).toBe(true);
    expect(await versions(schema)).toHaveLength(1);
  });

  test('tables of the same names that are not ours › refused, nothing changed', async () => {
    const schema = newSchema('mig_foreign');
    const s = quoteIdentifier(schema);
    await pool.query(`CREATE SCHEMA ${s}; CREATE TABLE ${s}.mail_domains (name text PRIMARY KEY)`);
    const failure = migrate(pool, schema);
    await expect(failure).rejects.toBeInstanceOf(MigrationConflictError);
    await expect(failure).rejects.toThrow(/mail_domains with column\(s\) default_access_type, domain/);
    const { rows } = await pool.query<{ versions: string | null }>(`SELECT to_regclass($1)::text AS versions`, [
      `${s}.schema_migrations`,
    ]);
    expect(rows[0]?.versions).toBeNull();
  });

  test('a version newer than this release knows › left alone and reported', async () => {
    const schema = newSchema('mig_newer');
    await migrate(pool, schema);
    await pool.query(
      `INSERT INTO ${quoteIdentifier(schema)}.schema_migrations (version, description) VALUES ($1, 'from a later release')`,
      [LATEST_VERSION + 1],
    );
    expect(await migrate(pool, schema)).toEqual({ schema, applied: [], adopted: false, version: LATEST_VERSION + 1 });
  });

  test('the printed script (--print) › makes what migrate makes; run twice, harmless', async () => {
    const schema = newSchema('mig_print');
    await pool.query(schemaSql(schema));
    await pool.query(schemaSql(schema));
    expect(await versions(schema)).toEqual([{ ...VERSION_1, applied_at: expect.any(Date) as unknown }]);
    expect(await migrate(pool, schema)).toEqual({ schema, applied: [], adopted: false, version: 1 });
  });

  test('migrate (npm run cli -- migrate) with config/postgres.json › says what it did, each time', async () => {
    const schema = newSchema('mig_cli');
    // The example config of a PostgreSQL directory, the database from the environment as it expects.
    const env = { CONFIG_FILE: 'config/postgres.json', DATABASE_URL: settingsFor(schema).url };
    await pool.query(unversionedSchemaSql(schema));
    const args = ['migrate', '--schema', schema];
    expect(await runCli(TOOL, args, env)).toEqual({
      code: 0,
      stdout: `schema "${schema}": tables from an unversioned db:migrate recorded as version 1\nschema "${schema}": now at version 1; tables mail_domains and mail_accounts are in place\n`,
      stderr: '',
    });
    expect(await runCli(TOOL, args, env)).toEqual({
      code: 0,
      stdout: `schema "${schema}": at version 1, nothing to do; tables mail_domains and mail_accounts are in place\n`,
      stderr: '',
    });
  });
});
