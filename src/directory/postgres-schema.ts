/**
 * The PostgreSQL account directory's tables: the one place they are written down. `npm run
 * db:migrate` runs `schemaSql`, `npm run db:migrate -- --print` prints it, PostgresDirectory
 * queries `lookupSql`.
 *
 * - mail_domains: each hosted domain (ASCII/punycode, lower-case) with the access type its
 *   mailboxes get unless listed individually.
 * - mail_accounts: mailboxes whose access type (or display name) is set individually. `address` is
 *   the lookup key: the local part lower-cased, "@", the domain as in mail_domains; e.g.
 *   "jane.doe@xn--bcher-kva.example". Deleting a domain deletes its accounts.
 *
 * Every statement is idempotent (IF NOT EXISTS), so migrating twice is harmless.
 */

/** `"name"`: `schema` is validated as a plain identifier in config, quoting is belt and braces. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function schemaSql(schema: string): string {
  const s = quoteIdentifier(schema);
  return `CREATE SCHEMA IF NOT EXISTS ${s};

CREATE TABLE IF NOT EXISTS ${s}.mail_domains (
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
`;
}

/**
 * One lookup, one round trip: the domain's default and, when a mailbox is asked ($2 not null), its
 * own row. No row means the domain is not hosted; a null access_type means the mailbox is unknown.
 */
export function lookupSql(schema: string): string {
  const s = quoteIdentifier(schema);
  return `SELECT d.default_access_type, a.access_type, a.display_name
FROM ${s}.mail_domains d
LEFT JOIN ${s}.mail_accounts a ON a.domain = d.domain AND a.address = $2
WHERE d.domain = $1`;
}
