import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import type { AccountQuery } from '../../src/directory/account-directory';
import { recordsFromData } from '../../src/directory/directory-data';
import { migrate, seed } from '../../src/directory/postgres-admin';
import { createPool, PostgresDirectory } from '../../src/directory/postgres-directory';
import { MIGRATIONS, quoteIdentifier } from '../../src/directory/postgres-schema';
import { parseEmailAddress } from '../../src/model/email-address';
import { REPO_ROOT } from '../support/app';
import { describeWithPostgres, uniqueTestNamespace } from '../support/backends';
import { FIXTURE_DATA, FIXTURE_PLATFORM, parsed, settingsFor, useSeededSchema } from './fixture';

const silent = pino({ level: 'silent' });

/** The query the routers send for an address typed by a user (the parser normalises it). */
function queryFor(address: string): AccountQuery {
  const parsedAddress = parseEmailAddress(address);
  if (!parsedAddress.ok) throw new Error(`bad test address ${address}`);
  return { domain: parsedAddress.value.domain, address: parsedAddress.value.lookupKey };
}

describeWithPostgres('PostgreSQL directory › lookups', () => {
  const seeded = useSeededSchema('pg_lookup');
  const { schema } = seeded;
  let directory: PostgresDirectory;
  beforeAll(() => {
    directory = new PostgresDirectory(settingsFor(schema), silent);
  });
  afterAll(() => directory.close());

  test.each<[string, AccountQuery, object]>([
    [
      'known mailbox',
      queryFor('pop.user@example.com'),
      { hosted: true, accessType: 'pop', mailbox: 'known', displayName: 'Pop User' },
    ],
    [
      'known Business Mail mailbox',
      queryFor('business.user@example.com'),
      { hosted: true, accessType: 'business', mailbox: 'known', displayName: 'Business User' },
    ],
    [
      'unknown mailbox › the domain default',
      queryFor('nobody@example.org'),
      { hosted: true, accessType: 'business', mailbox: 'unknown', displayName: null },
    ],
    [
      'unknown mailbox in a POP domain',
      queryFor('nobody@example.com'),
      { hosted: true, accessType: 'pop', mailbox: 'unknown', displayName: null },
    ],
    ['domain not hosted', queryFor('someone@example.net'), { hosted: false }],
    [
      'domain only (autoconfig by Host)',
      { domain: 'example.org', address: null },
      { hosted: true, accessType: 'business', mailbox: 'not-asked', displayName: null },
    ],
    ['domain only, not hosted', { domain: 'example.net', address: null }, { hosted: false }],
    [
      'mailbox in another case',
      queryFor('JANE.DOE@Example.ORG'),
      { hosted: true, accessType: 'pop', mailbox: 'known', displayName: null },
    ],
    [
      'IDN domain in Unicode',
      queryFor('max@BÜCHER.example'),
      { hosted: true, accessType: 'pop', mailbox: 'known', displayName: 'Max Müller' },
    ],
    [
      'IDN domain in punycode',
      queryFor('Max@xn--bcher-kva.example'),
      { hosted: true, accessType: 'pop', mailbox: 'known', displayName: 'Max Müller' },
    ],
    [
      'unknown mailbox at the IDN domain',
      queryFor('anna@bücher.example'),
      { hosted: true, accessType: 'business', mailbox: 'unknown', displayName: null },
    ],
    [
      'a domain on a platform of its own › the platform, checked',
      queryFor('jane@hosting02.example'),
      { hosted: true, accessType: 'business', mailbox: 'unknown', displayName: null, platform: FIXTURE_PLATFORM },
    ],
  ])('%s', async (_name, query, expected) => {
    const answer = await directory.lookup(query);
    expect(answer).toEqual(expected);
    // The same records as the file directory holds; applyDomainDefault turns both into the answer.
    expect(await directory.find(query)).toEqual(recordsFromData(FIXTURE_DATA, query));
  });

  test('concurrent lookups share the pool', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, index) => directory.lookup(queryFor(`user${index}@example.com`))),
    );
    expect(new Set(answers.map((answer) => JSON.stringify(answer)))).toEqual(
      new Set([JSON.stringify({ hosted: true, accessType: 'pop', mailbox: 'unknown', displayName: null })]),
    );
  });

  test('a platform the checks refuse › no answer (a temporary error), naming the domain and the key', async () => {
    const { admin } = seeded;
    const s = quoteIdentifier(schema);
    await admin().query(`UPDATE ${s}.mail_domains SET platform = $1 WHERE domain = 'hosting02.example'`, [
      JSON.stringify({
        name: 'hosting02',
        businessMail: { ewsUrl: 'http://exchange02.example.net/EWS/Exchange.asmx' },
      }),
    ]);
    try {
      await expect(directory.lookup(queryFor('jane@hosting02.example'))).rejects.toThrow(
        /^PostgreSQL directory: mail_domains\.platform \(domain "hosting02\.example"\): businessMail\.ewsUrl must be an absolute https:\/\/ URL/,
      );
    } finally {
      await admin().query(`UPDATE ${s}.mail_domains SET platform = $1 WHERE domain = 'hosting02.example'`, [
        JSON.stringify(FIXTURE_PLATFORM),
      ]);
    }
  });

  test('check() on migrated tables › ok', async () => {
    expect(await directory.check()).toEqual({ ok: true, value: undefined });
  });
});

describeWithPostgres('PostgreSQL directory › migration and seed', () => {
  const { schema, admin } = useSeededSchema('pg_seed');

  test('migrating again › harmless, rows kept', async () => {
    await migrate(admin(), schema);
    const { rows } = await admin().query<{ count: string }>(
      `SELECT count(*) FROM ${quoteIdentifier(schema)}.mail_accounts`,
    );
    expect(rows[0]?.count).toBe('4');
  });

  test('seeding again › upserts by key; --replace drops what the file does not list', async () => {
    const directory = new PostgresDirectory(settingsFor(schema), silent);
    try {
      const changed = parsed({
        domains: [{ domain: 'example.com', defaultAccessType: 'business' }],
        accounts: [{ address: 'pop.user@example.com', accessType: 'business', displayName: 'Renamed' }],
      });
      expect(await seed(admin(), schema, changed, { replace: false })).toEqual({ domains: 1, accounts: 1 });
      expect(await directory.lookup(queryFor('pop.user@example.com'))).toEqual({
        hosted: true,
        accessType: 'business',
        mailbox: 'known',
        displayName: 'Renamed',
      });
      expect(await directory.lookup(queryFor('nobody@example.com'))).toMatchObject({
        accessType: 'business',
        mailbox: 'unknown',
      });
      expect(await directory.lookup(queryFor('max@bücher.example'))).toMatchObject({ mailbox: 'known' });

      await seed(admin(), schema, changed, { replace: true });
      expect(await directory.lookup(queryFor('max@bücher.example'))).toEqual({ hosted: false });
      expect(await directory.lookup(queryFor('business.user@example.com'))).toMatchObject({ mailbox: 'unknown' });
    } finally {
      await directory.close();
    }
  });

  test('the tables refuse what a lookup could never find', async () => {
    const s = quoteIdentifier(schema);
    await expect(admin().query(`INSERT INTO ${s}.mail_domains VALUES ('Example.NET', 'pop')`)).rejects.toMatchObject({
      code: '23514',
    });
    await expect(admin().query(`INSERT INTO ${s}.mail_domains VALUES ('example.net', 'imap')`)).rejects.toMatchObject({
      code: '23514',
    });
    await expect(
      admin().query(`INSERT INTO ${s}.mail_accounts VALUES ('Jane@example.com', 'example.com', 'pop', NULL)`),
    ).rejects.toMatchObject({ code: '23514' });
    await expect(
      admin().query(`INSERT INTO ${s}.mail_accounts VALUES ('jane@example.org', 'example.com', 'pop', NULL)`),
    ).rejects.toMatchObject({ code: '23514' });
    await expect(
      admin().query(`INSERT INTO ${s}.mail_accounts VALUES ('jane@example.net', 'example.net', 'pop', NULL)`),
    ).rejects.toMatchObject({ code: '23503' });
  });

  test('check() on tables still at version 1 › a start-up problem naming npm run db:migrate', async () => {
    const stale = uniqueTestNamespace('pg_v1');
    const s = quoteIdentifier(stale);
    await admin().query(`CREATE SCHEMA ${s}; ${MIGRATIONS[0]?.sql(s) ?? ''}`);
    const directory = new PostgresDirectory(settingsFor(stale), silent);
    try {
      const checked = await directory.check();
      expect(checked.ok ? '' : checked.error).toMatch(
        /column d\.platform does not exist \(42703\); create or upgrade the tables with "npm run db:migrate"$/,
      );
    } finally {
      await directory.close();
      await admin().query(`DROP SCHEMA ${s} CASCADE`);
    }
  });

  test('check() before migrating › a start-up problem naming npm run db:migrate', async () => {
    const directory = new PostgresDirectory(settingsFor(uniqueTestNamespace('pg_missing')), silent);
    try {
      const checked = await directory.check();
      expect(checked.ok).toBe(false);
      expect(checked.ok ? '' : checked.error).toMatch(
        /does not exist \(42P01\); create or upgrade the tables with "npm run db:migrate"$/,
      );
    } finally {
      await directory.close();
    }
  });
});

describeWithPostgres('npm run db:migrate / db:seed', () => {
  const schema = uniqueTestNamespace('pg_cli');
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'db-cli-'));
    writeFileSync(path.join(folder, 'config.json'), JSON.stringify({ directory: { type: 'postgres', schema } }));
  });
  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    const pool = createPool(settingsFor(schema), 'cleanup');
    await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
    await pool.end();
  });

  const npm = (...args: string[]) =>
    promisify(execFile)('npm', ['run', '--silent', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, CONFIG_FILE: path.join(folder, 'config.json'), DATABASE_URL: settingsFor(schema).url },
    });

  test('migrate, then seed the example account file › the service answers from the tables', async () => {
    expect((await npm('db:migrate')).stdout).toBe(
      `schema "${schema}": applied version 1 (tables mail_domains and mail_accounts)\nschema "${schema}": applied version 2 (column mail_domains.platform)\nschema "${schema}": now at version 2; tables mail_domains and mail_accounts are in place\n`,
    );
    expect((await npm('db:seed', '--', 'config/accounts.json')).stdout).toMatch(
      /: 4 domain\(s\) and 2 account\(s\) loaded from .*config\/accounts\.json\n$/,
    );
    const directory = new PostgresDirectory(settingsFor(schema), silent);
    try {
      expect(await directory.lookup(queryFor('business.user@example.com'))).toMatchObject({
        accessType: 'business',
        mailbox: 'known',
      });
    } finally {
      await directory.close();
    }
  });

  test('seed without migrating the schema named › exit 1 with the fix', async () => {
    await expect(
      npm('db:seed', '--', 'config/accounts.json', '--schema', uniqueTestNamespace('pg_cli_missing')),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        'does not exist (42P01); create or upgrade the tables with "npm run db:migrate"',
      ) as unknown,
    });
  });
});
