/**
 * The PostgreSQL account directory's tables: the one place they are written down, as numbered
 * migrations. `npm run db:migrate` applies the ones a database lacks (postgres-admin.ts),
 * `npm run db:migrate -- --print` prints them all as one script, PostgresDirectory queries `lookupSql`.
 *
 * - mail_domains: each hosted domain (ASCII/punycode, lower-case) with the access type its
 *   mailboxes get unless listed individually.
 * - mail_accounts: mailboxes whose access type (or display name) is set individually. `address` is
 *   the lookup key: the local part lower-cased, "@", the domain as in mail_domains; e.g.
 *   "jane.doe@xn--bcher-kva.example". Deleting a domain deletes its accounts.
 * - mail_domains.platform (version 2): the domain's own platform, a JSON object as in the account
 *   file (docs/protocols.md §14), or NULL for the provider-wide values. Checked on every read.
 * - schema_migrations: one row per migration applied, so a later version knows what to add.
 *
 * A migration is never edited once released: a change is a new version. Every statement stays
 * idempotent (IF NOT EXISTS and the like), so the printed script may be run twice, and a database
 * made by the unversioned migrate of earlier releases (version 1's tables, no schema_migrations) is
 * taken over as version 1 unchanged.
 */

/** `"name"`: `schema` is validated as a plain identifier in config, quoting is belt and braces. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export interface Migration {
  /** 1, 2, 3 … in the order they are applied. */
  readonly version: number;
  /** What it does, recorded in schema_migrations and reported by db:migrate. */
  readonly description: string;
  /** Its statements for the schema (already created, quoted). */
  readonly sql: (quotedSchema: string) => string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'tables mail_domains and mail_accounts',
    sql: (s) => `CREATE TABLE IF NOT EXISTS ${s}.mail_domains (
  domain              text PRIMARY KEY
                      CHECK (domain <> '' AND domain = lower(domain COLLATE "C")),
  default_access_type text NOT NULL CHECK (default_access_type IN ('pop', 'business'))
);

CREATE TABLE IF NOT EXISTS ${s}.mail_accounts (
  address      text PRIMARY KEY CHECK (address = lower(address COLLATE "C")),
  domain       text NOT NULL REFERENCES ${s}.mail_domains (domain) ON DELETE CASCADE ON UPDATE CASCADE,
  access_type  text NOT NULL CHECK (access_type IN ('pop', 'business')),
  display_name text NULL CHECK (char_length(display_name) <= 256),
  CHECK (right(address, char_length(domain) + 1) = '@' || domain)
);

CREATE INDEX IF NOT EXISTS mail_accounts_domain_idx ON ${s}.mail_accounts (domain);
`,
  },
  {
    version: 2,
    description: 'column mail_domains.platform',
    // NULL: the provider-wide values. Its keys are checked where it is read (config/platform-schema.ts);
    // the database only keeps it an object of bounded size.
    sql: (s) => `ALTER TABLE ${s}.mail_domains ADD COLUMN IF NOT EXISTS platform jsonb NULL
  CHECK (platform IS NULL OR (jsonb_typeof(platform) = 'object' AND octet_length(platform::text) <= 16384));
`,
  },
];

/** The newest version this code knows. */
export const LATEST_VERSION = MIGRATIONS.reduce((latest, migration) => Math.max(latest, migration.version), 0);

/**
 * The columns version 1 created, so a database migrated before versioning is recognised (and one
 * holding other tables of the same names is not silently taken over).
 */
export const VERSION_1_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  mail_domains: ['default_access_type', 'domain'],
  mail_accounts: ['access_type', 'address', 'display_name', 'domain'],
};

/**
 * The transaction-scoped advisory lock key of one schema's migrations (one bigint, $1 = schema): a
 * second migrate of the same schema waits for the first and then finds nothing left to do.
 */
export const MIGRATION_LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtextextended('mail-autodiscover migrate ' || $1, 0))`;

/** The schema and its version table; first thing a migration run does, under the lock. */
export function migrationsTableSql(schema: string): string {
  const s = quoteIdentifier(schema);
  return `CREATE SCHEMA IF NOT EXISTS ${s};

CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
  version     integer PRIMARY KEY,
  description text NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now()
);
`;
}

export function recordMigrationSql(schema: string): string {
  return `INSERT INTO ${quoteIdentifier(schema)}.schema_migrations (version, description) VALUES ($1, $2)
ON CONFLICT (version) DO NOTHING`;
}

/**
 * Every migration as one psql script (`db:migrate -- --print`), for a DBA who applies SQL by hand: one
 * transaction under the same lock as db:migrate, each version recorded as db:migrate records it.
 */
export function schemaSql(schema: string): string {
  const s = quoteIdentifier(schema);
  const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;
  const steps = MIGRATIONS.map(
    (migration) => `-- version ${migration.version}: ${migration.description}
${migration.sql(s)}
INSERT INTO ${s}.schema_migrations (version, description) VALUES (${migration.version}, ${literal(migration.description)})
ON CONFLICT (version) DO NOTHING;
`,
  );
  return `BEGIN;

${MIGRATION_LOCK_SQL.replace('$1', literal(schema))};

${migrationsTableSql(schema)}
${steps.join('\n')}
COMMIT;
`;
}

/**
 * One lookup, one round trip: the domain's default and platform and, when a mailbox is asked ($2 not
 * null), its own row. No row means the domain is not hosted; a null access_type means the mailbox is
 * unknown.
 */
export function lookupSql(schema: string): string {
  const s = quoteIdentifier(schema);
  return `SELECT d.default_access_type, d.platform, a.access_type, a.display_name
FROM ${s}.mail_domains d
LEFT JOIN ${s}.mail_accounts a ON a.domain = d.domain AND a.address = $2
WHERE d.domain = $1`;
}
