/**
 * Versioned migrations against the real PostgreSQL: a fresh schema, the upgrade of a schema made by
 * the unversioned migrate of earlier releases, re-runs, concurrent runs, and the printed script.
 */
import type { Pool } from 'pg';
import { migrate, MigrationConflictError, seed } from '../../src/directory/postgres-admin';
import { createPool } from '../../src/directory/postgres-directory';
import {
  LATEST_VERSION,
  MIGRATIONS,
  migrationsTableSql,
  quoteIdentifier,
  recordMigrationSql,
  schemaSql,
} from '../../src/directory/postgres-schema';
import { runCli, TOOL } from '../support/cli';
import { describeWithPostgres, uniqueTestNamespace } from '../support/backends';
import { FIXTURE_DATA, FIXTURE_PLATFORM, settingsFor } from './fixture';
import { unversionedSchemaSql } from './unversioned-schema';

jest.setTimeout(30_000);

const VERSION_1 = { version: 1, description: 'tables mail_domains and mail_accounts' };
const VERSION_2 = { version: 2, description: 'column mail_domains.platform' };
const ALL_VERSIONS = [VERSION_1, VERSION_2];
const recorded = (steps: readonly object[]) =>
  steps.map((step) => ({ ...step, applied_at: expect.any(Date) as unknown }));

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
  /** Rows as version 1's tables hold them (no platform column yet). */
  const seedVersion1Rows = async (schema: string): Promise<void> => {
    const s = quoteIdentifier(schema);
    await pool.query(`INSERT INTO ${s}.mail_domains (domain, default_access_type) VALUES ('example.com', 'pop'), ('example.org', 'business');
      INSERT INTO ${s}.mail_accounts (address, domain, access_type, display_name) VALUES
        ('pop.user@example.com', 'example.com', 'pop', 'Pop User'), ('jane@example.org', 'example.org', 'pop', NULL)`);
  };
  const accountCount = async (schema: string): Promise<string | undefined> =>
    (await pool.query<{ count: string }>(`SELECT count(*) FROM ${quoteIdentifier(schema)}.mail_accounts`)).rows[0]
      ?.count;

  test('version 1 is the first, 2 (the platform column) the latest; versions are 1, 2, 3 … in order', () => {
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual(
      Array.from({ length: MIGRATIONS.length }, (_, index) => index + 1),
    );
    expect(LATEST_VERSION).toBe(MIGRATIONS.length);
    expect(MIGRATIONS[0]).toMatchObject(VERSION_1);
    expect(MIGRATIONS[1]).toMatchObject(VERSION_2);
    expect(LATEST_VERSION).toBe(2);
  });

  test('fresh database › every version applied and recorded; the tables work', async () => {
    const schema = newSchema('mig_fresh');
    expect(await migrate(pool, schema)).toEqual({ schema, applied: ALL_VERSIONS, adopted: false, version: 2 });
    expect(await versions(schema)).toEqual(recorded(ALL_VERSIONS));
    await seed(pool, schema, FIXTURE_DATA, { replace: false });
    expect(await accountCount(schema)).toBe('4');
  });

  test('re-run › nothing applied, the record and the rows untouched', async () => {
    const schema = newSchema('mig_rerun');
    await migrate(pool, schema);
    await seed(pool, schema, FIXTURE_DATA, { replace: false });
    const before = await versions(schema);
    expect(await migrate(pool, schema)).toEqual({ schema, applied: [], adopted: false, version: 2 });
    expect(await versions(schema)).toEqual(before);
    expect(await accountCount(schema)).toBe('4');
  });

  test('a schema made by the unversioned migrate › taken over as version 1, rows kept, version 2 applied; then a no-op', async () => {
    const schema = newSchema('mig_upgrade');
    await pool.query(unversionedSchemaSql(schema));
    await seedVersion1Rows(schema);
    expect(await migrate(pool, schema)).toEqual({ schema, applied: [VERSION_2], adopted: true, version: 2 });
    expect(await versions(schema)).toEqual(recorded(ALL_VERSIONS));
    expect(await accountCount(schema)).toBe('2');
    expect(await migrate(pool, schema)).toEqual({ schema, applied: [], adopted: false, version: 2 });
  });

  test('a schema at version 1 › version 2 adds mail_domains.platform, rows kept, NULL for each; seed then fills it', async () => {
    const schema = newSchema('mig_v1_to_v2');
    const s = quoteIdentifier(schema);
    // What the previous release's migrate made: version 1 only, recorded.
    await pool.query(migrationsTableSql(schema));
    await pool.query(MIGRATIONS[0]?.sql(s) ?? '');
    await pool.query(recordMigrationSql(schema), [VERSION_1.version, VERSION_1.description]);
    await seedVersion1Rows(schema);
    expect(await migrate(pool, schema)).toEqual({ schema, applied: [VERSION_2], adopted: false, version: 2 });
    expect(await versions(schema)).toEqual(recorded(ALL_VERSIONS));
    const platforms = async () =>
      (
        await pool.query<{ domain: string; platform: unknown }>(
          `SELECT domain, platform FROM ${s}.mail_domains ORDER BY domain`,
        )
      ).rows;
    expect(await platforms()).toEqual([
      { domain: 'example.com', platform: null },
      { domain: 'example.org', platform: null },
    ]);
    expect(await accountCount(schema)).toBe('2');
    await seed(pool, schema, FIXTURE_DATA, { replace: false });
    expect((await platforms()).find((row) => row.domain === 'hosting02.example')?.platform).toEqual(FIXTURE_PLATFORM);
    // The column only takes an object (of bounded size); its keys are checked where it is read.
    await expect(
      pool.query(`UPDATE ${s}.mail_domains SET platform = '"hosting02"' WHERE domain = 'example.com'`),
    ).rejects.toThrow(/check constraint/);
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
    expect(reports.every((report) => report.version === LATEST_VERSION)).toBe(true);
    expect(await versions(schema)).toHaveLength(LATEST_VERSION);
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
    expect(await versions(schema)).toEqual(recorded(ALL_VERSIONS));
    expect(await migrate(pool, schema)).toEqual({ schema, applied: [], adopted: false, version: 2 });
  });

  test('migrate (npm run cli -- migrate) with config/postgres.json › says what it did, each time', async () => {
    const schema = newSchema('mig_cli');
    // The example config of a PostgreSQL directory, the database from the environment as it expects.
    const env = { CONFIG_FILE: 'config/postgres.json', DATABASE_URL: settingsFor(schema).url };
    await pool.query(unversionedSchemaSql(schema));
    const args = ['migrate', '--schema', schema];
    expect(await runCli(TOOL, args, env)).toEqual({
      code: 0,
      stdout: `schema "${schema}": tables from an unversioned db:migrate recorded as version 1\nschema "${schema}": applied version 2 (column mail_domains.platform)\nschema "${schema}": now at version 2; tables mail_domains and mail_accounts are in place\n`,
      stderr: '',
    });
    expect(await runCli(TOOL, args, env)).toEqual({
      code: 0,
      stdout: `schema "${schema}": at version 2, nothing to do; tables mail_domains and mail_accounts are in place\n`,
      stderr: '',
    });
  });
});
