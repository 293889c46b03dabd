import { quoteIdentifier } from '../../src/directory/postgres-schema';

/**
 * What `npm run db:migrate` ran before schema versions existed (releases up to the one that added
 * schema_migrations), verbatim: the database an upgrade starts from. Never edit it to follow the
 * migrations: it stands for databases already out there.
 */
export function unversionedSchemaSql(schema: string): string {
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
