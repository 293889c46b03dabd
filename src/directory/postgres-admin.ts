import type { Pool, PoolClient } from 'pg';
import type { DirectoryData } from './directory-data';
import {
  LATEST_VERSION,
  MIGRATION_LOCK_SQL,
  MIGRATIONS,
  migrationsTableSql,
  quoteIdentifier,
  recordMigrationSql,
  VERSION_1_COLUMNS,
  type Migration,
} from './postgres-schema';

/** What one `migrate` did to a schema. */
export interface MigrationReport {
  readonly schema: string;
  /** The versions it applied, in order; empty when the schema was up to date. */
  readonly applied: readonly Pick<Migration, 'version' | 'description'>[];
  /** The schema held version 1's tables from an unversioned migrate; they were recorded as version 1. */
  readonly adopted: boolean;
  /** The schema's version afterwards (higher than LATEST_VERSION when newer code migrated it). */
  readonly version: number;
}

/** The schema's tables are not what the migrations made; nothing was changed. */
export class MigrationConflictError extends Error {}

/**
 * Brings the schema to LATEST_VERSION: in one transaction under an advisory lock (a concurrent
 * migrate of the same schema waits, then finds nothing to do), creates the schema and
 * schema_migrations if missing, takes over the tables of an unversioned migrate as version 1, and
 * applies and records each missing migration in order. All or nothing.
 */
export async function migrate(pool: Pool, schema: string): Promise<MigrationReport> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(MIGRATION_LOCK_SQL, [schema]);
    const unversioned = await hasUnversionedTables(client, schema);
    await client.query(migrationsTableSql(schema));
    const { rows } = await client.query<{ version: number }>(
      `SELECT version FROM ${quoteIdentifier(schema)}.schema_migrations`,
    );
    const done = new Set(rows.map((row) => row.version));
    const adopted = unversioned && done.size === 0;
    if (adopted) {
      await checkVersion1Tables(client, schema);
      const [first] = MIGRATIONS;
      if (first !== undefined) {
        await client.query(recordMigrationSql(schema), [first.version, first.description]);
        done.add(first.version);
      }
    }
    const applied: Pick<Migration, 'version' | 'description'>[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql(quoteIdentifier(schema)));
      await client.query(recordMigrationSql(schema), [migration.version, migration.description]);
      done.add(migration.version);
      applied.push({ version: migration.version, description: migration.description });
    }
    await client.query('COMMIT');
    return { schema, applied, adopted, version: Math.max(LATEST_VERSION, ...done) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** mail_domains exists but schema_migrations does not: the tables of a migrate from before versioning. */
async function hasUnversionedTables(client: PoolClient, schema: string): Promise<boolean> {
  const { rows } = await client.query<{ domains: string | null; versions: string | null }>(
    `SELECT to_regclass($1)::text AS domains, to_regclass($2)::text AS versions`,
    [`${quoteIdentifier(schema)}.mail_domains`, `${quoteIdentifier(schema)}.schema_migrations`],
  );
  const [found] = rows;
  return found !== undefined && found.domains !== null && found.versions === null;
}

/** Refuses to take over tables of the same names that lack version 1's columns. */
async function checkVersion1Tables(client: PoolClient, schema: string): Promise<void> {
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = $1 AND table_name = ANY($2::text[])`,
    [schema, Object.keys(VERSION_1_COLUMNS)],
  );
  for (const [table, columns] of Object.entries(VERSION_1_COLUMNS)) {
    const found = new Set(rows.filter((row) => row.table_name === table).map((row) => row.column_name));
    const missing = columns.filter((column) => !found.has(column));
    if (missing.length > 0) {
      throw new MigrationConflictError(
        `schema "${schema}" has no table ${table} with column(s) ${missing.join(', ')}, so its tables are not the ones db:migrate made; nothing was changed. Migrate into another schema (--schema or directory.schema), or rename that table`,
      );
    }
  }
}

export interface SeedCounts {
  readonly domains: number;
  readonly accounts: number;
}

/**
 * Loads validated account data (an account file read with readDirectoryFile) in one transaction:
 * rows are inserted or updated by key. With `replace`, domains and accounts not in the data are
 * deleted first, so the tables then hold exactly the file.
 */
export async function seed(
  pool: Pool,
  schema: string,
  data: DirectoryData,
  options: { replace: boolean },
): Promise<SeedCounts> {
  const s = quoteIdentifier(schema);
  const domains = [...data.domains];
  const accounts = domains.flatMap(([domain, entry]) =>
    [...entry.accounts].map(([address, account]) => ({ domain, address, ...account })),
  );
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if (options.replace) await client.query(`DELETE FROM ${s}.mail_domains`);
    await client.query(
      `INSERT INTO ${s}.mail_domains (domain, default_access_type, platform)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
       ON CONFLICT (domain) DO UPDATE
         SET default_access_type = EXCLUDED.default_access_type, platform = EXCLUDED.platform`,
      [
        domains.map(([domain]) => domain),
        domains.map(([, entry]) => entry.defaultAccessType),
        // JSON text each (null without a platform), so pg sends jsonb[] rather than guessing an array of objects.
        domains.map(([, entry]) => (entry.platform === undefined ? null : JSON.stringify(entry.platform))),
      ],
    );
    await client.query(
      `INSERT INTO ${s}.mail_accounts (address, domain, access_type, display_name)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT (address) DO UPDATE
         SET domain = EXCLUDED.domain, access_type = EXCLUDED.access_type, display_name = EXCLUDED.display_name`,
      [
        accounts.map((a) => a.address),
        accounts.map((a) => a.domain),
        accounts.map((a) => a.accessType),
        accounts.map((a) => a.displayName),
      ],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return { domains: domains.length, accounts: accounts.length };
}
