import type { Pool } from 'pg';
import { parseDirectoryData, type DirectoryData } from '../../src/directory/directory-data';
import { migrate, seed } from '../../src/directory/postgres-admin';
import { createPool, type PostgresSettings } from '../../src/directory/postgres-directory';
import { quoteIdentifier } from '../../src/directory/postgres-schema';
import { TEST_POSTGRES_URL, uniqueTestNamespace } from '../support/backends';

/** A second Exchange cluster (docs/protocols.md §14), as the fixture's hosting02.example has it. */
export const FIXTURE_PLATFORM = {
  name: 'hosting02',
  businessMail: { host: 'exchange02.example.net', windowsDomain: 'hosting02', activeDirectoryServer: null },
};

/** The account data every PostgreSQL suite seeds: the example accounts, an IDN domain, a domain on a platform of its own. */
export const FIXTURE_DATA: DirectoryData = parsed({
  domains: [
    { domain: 'example.com', defaultAccessType: 'pop' },
    { domain: 'example.org', defaultAccessType: 'business' },
    { domain: 'bücher.example', defaultAccessType: 'business' },
    { domain: 'hosting02.example', defaultAccessType: 'business', platform: FIXTURE_PLATFORM },
  ],
  accounts: [
    { address: 'pop.user@example.com', accessType: 'pop', displayName: 'Pop User' },
    { address: 'business.user@example.com', accessType: 'business', displayName: 'Business User' },
    { address: 'Jane.Doe@example.org', accessType: 'pop' },
    { address: 'Max@Bücher.example', accessType: 'pop', displayName: 'Max Müller' },
  ],
});

export function parsed(input: unknown): DirectoryData {
  const data = parseDirectoryData('fixture', input);
  if (!data.ok) throw new Error(data.error.join('\n'));
  return data.value;
}

export function settingsFor(schema: string, overrides: Partial<PostgresSettings> = {}): PostgresSettings {
  return {
    url: TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    schema,
    poolMax: 4,
    connectionTimeoutMs: 2000,
    statementTimeoutMs: 2000,
    idleTimeoutMs: 30_000,
    ...overrides,
  };
}

/**
 * A schema of its own for this test file, migrated and seeded with FIXTURE_DATA before the tests
 * and dropped after them; `admin` is a pool for the test's own SQL.
 */
export function useSeededSchema(label: string): { readonly schema: string; admin: () => Pool } {
  const schema = uniqueTestNamespace(label);
  let admin: Pool | undefined;
  beforeAll(async () => {
    admin = createPool(settingsFor(schema), `${schema}_admin`);
    await migrate(admin, schema);
    await seed(admin, schema, FIXTURE_DATA, { replace: false });
  });
  afterAll(async () => {
    await admin?.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
    await admin?.end();
  });
  return {
    schema,
    admin: () => {
      if (admin === undefined) throw new Error('the schema is set up in beforeAll');
      return admin;
    },
  };
}
