import pino from 'pino';
import { seed } from '../../src/directory/postgres-admin';
import { PostgresDirectory } from '../../src/directory/postgres-directory';
import { describeWithPostgres } from '../support/backends';
import { settingsFor, useSeededSchema } from '../postgres/fixture';
import { TcpProxy } from '../postgres/tcp-proxy';
import { faultAccounts, listen, mixedAsk, runLoad, summaryLine, Tally, type Ask, type Mailbox } from './load';

/**
 * Load test: the PostgreSQL directory behind a proxy that is cut (connections reset, new ones
 * refused) and restored on the same port while requests keep coming. Warm addresses must keep their
 * answers (stale grace), cold ones get the designed temporary error until the database is back.
 */

const CONCURRENCY = 24;
const DURING_CUT = 2000;
const AFTER_RESTORE = 1000;
const TTL_SECONDS = 60;

describeWithPostgres('fault: PostgreSQL unreachable under load', () => {
  const { schema, admin } = useSeededSchema('fault_pg');
  const { data, listed, unlisted } = faultAccounts();
  // Warm: two thirds of the listed mailboxes and half the unlisted ones; the rest stay cold.
  const warm = [...listed.filter((_, i) => i % 3 !== 0), ...unlisted.filter((_, i) => i % 2 === 0)];
  const cold = [...listed.filter((_, i) => i % 3 === 0), ...unlisted.filter((_, i) => i % 2 !== 0)];
  const coldSet = new Set<Mailbox>(cold);
  const database = new URL(settingsFor(schema).url);
  const target = { host: database.hostname, port: Number(database.port || 5432) };
  /** The clock of the cache, moved past the TTL when the database goes away, so every warm answer is stale. */
  let skewMs = 0;
  let proxy: TcpProxy | undefined;
  let service: Awaited<ReturnType<typeof listen>> | undefined;

  beforeAll(async () => {
    await seed(admin(), schema, data, { replace: false });
    proxy = await TcpProxy.start(target);
    const proxied = new URL(database);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const source = new PostgresDirectory(
      settingsFor(schema, { url: proxied.toString(), connectionTimeoutMs: 2000 }),
      pino({ level: 'silent' }),
    );
    const now = (): number => Date.now() + skewMs;
    service = await listen(source, CONCURRENCY, {
      cache: { ttlSeconds: TTL_SECONDS, negativeTtlSeconds: TTL_SECONDS, staleGraceSeconds: 3600, maxEntries: 10_000 },
      cacheClock: now,
    });
  });

  afterAll(async () => {
    await service?.close();
    await proxy?.close().catch(() => undefined);
  });

  test('warm, cut, restored › warm answers kept, cold ones the designed temporary error, then correct; 0 other 5xx, 0 wrong, 0 lost', async () => {
    if (service === undefined || proxy === undefined) throw new Error('set up in beforeAll');
    const tally = new Tally();
    const phase = async (
      count: number,
      mailboxes: readonly Mailbox[],
      expectTemporary: (mailbox: Mailbox) => boolean,
      s: NonNullable<typeof service>,
    ) => {
      const asks: Ask[] = Array.from({ length: count }, (_, index) => mixedAsk(index, mailboxes, expectTemporary));
      await runLoad(s, {
        concurrency: CONCURRENCY,
        maxRequests: count,
        timeoutMs: 10_000,
        tally,
        nextAsk: (index) => asks[index],
      });
      return asks.filter((ask) => ask.expectTemporary).length;
    };

    // Every warm mailbox on every endpoint once.
    await phase(warm.length * 4, warm, () => false, service);
    const warmed = tally.requests;

    const port = proxy.port;
    await proxy.close();
    skewMs = (TTL_SECONDS + 1) * 1000;
    const coldDuringCut = await phase(DURING_CUT, [...warm, ...cold], (mailbox) => coldSet.has(mailbox), service);

    proxy = await TcpProxy.start(target, port);
    await phase(AFTER_RESTORE, [...warm, ...cold], () => false, service);

    console.log(
      summaryLine(
        'postgres-unreachable',
        tally,
        ` (${warmed} to warm ${warm.length} mailboxes; proxy cut for ${DURING_CUT}, ${coldDuringCut} of them for ${cold.length} cold mailboxes; ` +
          `${AFTER_RESTORE} after it was restored)`,
      ),
    );
    expect(tally.problems).toEqual([]);
    expect({ otherFiveXx: tally.otherFiveXx, wrong: tally.wrong, lost: tally.lost }).toEqual({
      otherFiveXx: 0,
      wrong: 0,
      lost: 0,
    });
    expect(tally.temporary).toBe(coldDuringCut);
    expect(coldDuringCut).toBeGreaterThan(0);
    expect(tally.correct).toBe(tally.requests - coldDuringCut);
  }, 50_000);
});
