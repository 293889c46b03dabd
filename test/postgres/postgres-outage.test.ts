import pino from 'pino';
import type { PoolClient } from 'pg';
import request from 'supertest';
import { DirectoryUnavailableError, type AccountDirectory } from '../../src/directory/account-directory';
import { CachedDirectory } from '../../src/cache/cached-directory';
import { MemoryLookupCache } from '../../src/cache/memory-cache';
import { PostgresDirectory } from '../../src/directory/postgres-directory';
import { quoteIdentifier } from '../../src/directory/postgres-schema';
import { exampleApp } from '../support/app';
import { describeWithPostgres, TEST_POSTGRES_URL } from '../support/backends';
import { requestFixture } from '../support/documents';
import { autodiscoverErrorCode, expectNoInternals, postAutodiscover } from '../support/http';
import { settingsFor, useSeededSchema } from './fixture';
import { silentServer, TcpProxy } from './tcp-proxy';

const silent = pino({ level: 'silent' });
const POP_USER = { domain: 'example.com', address: 'pop.user@example.com' };

function urlWithPort(port: number): string {
  const url = new URL(TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}

/** Every discovery endpoint for pop.user@example.com, as a client asks. */
async function askEveryEndpoint(directory: AccountDirectory) {
  const app = exampleApp({ directory });
  return {
    autodiscover: await postAutodiscover(app, requestFixture('outlook-desktop-crlf.xml'), {
      'Content-Type': 'text/xml',
    }),
    autodiscoverJson: await request(app).get(
      '/autodiscover/autodiscover.json/v1.0/pop.user@example.com?Protocol=AutodiscoverV1',
    ),
    autoconfig: await request(app).get('/mail/config-v1.1.xml?emailaddress=pop.user%40example.com'),
    mobileconfig: await request(app).get('/mobileconfig?emailaddress=pop.user%40example.com'),
  };
}

/** The temporary-error answers: Autodiscover ErrorCode 603, HTTP 503 elsewhere, never internals. */
function expectTemporaryErrors(answers: Awaited<ReturnType<typeof askEveryEndpoint>>): void {
  expect(autodiscoverErrorCode(answers.autodiscover)).toBe('603');
  expect(answers.autodiscoverJson.status).toBe(503);
  expect(answers.autoconfig.status).toBe(503);
  expect(answers.mobileconfig.status).toBe(503);
  for (const res of Object.values(answers)) expectNoInternals(res.text, '127.0.0.1');
}

describeWithPostgres('PostgreSQL unreachable', () => {
  const { schema, admin } = useSeededSchema('pg_outage');

  test('nothing listens on the port › DirectoryUnavailableError', async () => {
    const directory = new PostgresDirectory(settingsFor(schema, { url: urlWithPort(1) }), silent);
    try {
      const failure = directory.lookup(POP_USER);
      await expect(failure).rejects.toBeInstanceOf(DirectoryUnavailableError);
      await expect(failure).rejects.toThrow('ECONNREFUSED');
    } finally {
      await directory.close();
    }
  });

  test('the server accepts but never answers › connection timeout, DirectoryUnavailableError', async () => {
    const hung = await silentServer();
    const directory = new PostgresDirectory(
      settingsFor(schema, { url: urlWithPort(hung.port), connectionTimeoutMs: 300 }),
      silent,
    );
    try {
      await expect(directory.lookup(POP_USER)).rejects.toThrow(DirectoryUnavailableError);
    } finally {
      await directory.close();
      await hung.close();
    }
  });

  test('a lookup blocked by a lock › statement timeout, DirectoryUnavailableError; answers again once released', async () => {
    const directory = new PostgresDirectory(settingsFor(schema, { statementTimeoutMs: 300 }), silent);
    let locker: PoolClient | undefined;
    try {
      expect(await directory.lookup(POP_USER)).toMatchObject({ mailbox: 'known' });
      locker = await admin().connect();
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${quoteIdentifier(schema)}.mail_accounts IN ACCESS EXCLUSIVE MODE`);
      await expect(directory.lookup(POP_USER)).rejects.toThrow(
        /canceling statement due to statement timeout \(57014\)/,
      );
      await locker.query('ROLLBACK');
      expect(await directory.lookup(POP_USER)).toMatchObject({ mailbox: 'known' });
    } finally {
      locker?.release();
      await directory.close();
    }
  });

  test('its connections terminated by the server (pg_terminate_backend) › the next lookup reconnects', async () => {
    const applicationName = `${schema}_terminated`;
    const directory = new PostgresDirectory(settingsFor(schema, { poolMax: 4 }), silent, applicationName);
    try {
      // Four lookups at once open four connections, all idle afterwards.
      await Promise.all(Array.from({ length: 4 }, () => directory.lookup(POP_USER)));
      const { rows } = await admin().query<{ terminated: boolean }>(
        'SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((row) => row.terminated)).toBe(true);
      expect(await directory.lookup(POP_USER)).toEqual({
        hosted: true,
        accessType: 'pop',
        mailbox: 'known',
        displayName: 'Pop User',
      });
      expect(await directory.lookup({ domain: 'example.org', address: null })).toMatchObject({
        accessType: 'business',
      });
    } finally {
      await directory.close();
    }
  });

  test('through the app, no cache › ErrorCode 603 for Autodiscover, 503 for the others', async () => {
    const directory = new PostgresDirectory(settingsFor(schema, { url: urlWithPort(1) }), silent);
    try {
      expectTemporaryErrors(await askEveryEndpoint(directory));
    } finally {
      await directory.close();
    }
  });

  test('through the app with the cache › stale answers within the grace period, then temporary errors', async () => {
    // The real database behind a proxy the test can take away; a clock the test moves.
    const target = new URL(settingsFor(schema).url);
    const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    let now = Date.parse('2026-01-02T03:00:00Z');
    const source = new PostgresDirectory(settingsFor(schema, { url: urlWithPort(proxy.port) }), silent);
    const policy = { ttlSeconds: 60, negativeTtlSeconds: 60, staleGraceSeconds: 600 };
    const directory = new CachedDirectory(source, new MemoryLookupCache(100, () => now), policy, () => now);
    try {
      const up = await askEveryEndpoint(directory);
      expect(up.autoconfig.status).toBe(200);
      expect(up.mobileconfig.status).toBe(200);

      await proxy.close();
      now += 61_000; // past the TTL: stale, within the grace period
      const stale = await askEveryEndpoint(directory);
      expect(stale.autoconfig.status).toBe(200);
      expect(stale.autoconfig.text).toContain('<clientConfig');
      expect(stale.mobileconfig.status).toBe(200);
      expect(stale.autodiscoverJson.status).toBe(200);
      expect(stale.autodiscover.text).not.toContain('<ErrorCode>');
      // A mailbox never asked before has no cached answer: temporary error.
      expect(
        (await request(exampleApp({ directory })).get('/mail/config-v1.1.xml?emailaddress=new.user%40example.com'))
          .status,
      ).toBe(503);

      now += 600_000; // past the grace period too
      expectTemporaryErrors(await askEveryEndpoint(directory));
    } finally {
      await directory.close();
      await proxy.close().catch(() => undefined);
    }
  });
});
