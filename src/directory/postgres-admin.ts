import type { Pool } from 'pg';
import type { DirectoryData } from './directory-data';
import { quoteIdentifier, schemaSql } from './postgres-schema';

/** Creates the schema and tables if missing (idempotent). */
export async function migrate(pool: Pool, schema: string): Promise<void> {
  await pool.query(schemaSql(schema));
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
      `INSERT INTO ${s}.mail_domains (domain, default_access_type)
       SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (domain) DO UPDATE SET default_access_type = EXCLUDED.default_access_type`,
      [domains.map(([domain]) => domain), domains.map(([, entry]) => entry.defaultAccessType)],
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
