import type { Service } from '../../src/compose';
import type { InvalidationTarget } from '../../src/cache/invalidation-target';
import { FileDirectory } from '../../src/directory/file-directory';
import { uniqueTestNamespace } from '../support/backends';
import { MutableDirectory } from '../support/mutable-directory';
import { capturingLogger, waitFor } from '../redis/support';
import { faultAccounts, listen, mixedAsk, runLoad, summaryLine, Tally } from '../fault/load';
import {
  askNode,
  clientNamesOn,
  describeWithRedisHa,
  SENTINEL_MASTER_NAME,
  startSentinelGroup,
  type RedisNode,
  type SentinelGroup,
} from './servers';
import {
  ACCOUNTS,
  ALL_POP,
  cacheCli,
  HaConfigFolder,
  haInstance,
  invalidateThrough,
  offered,
  statusesAcross,
  TEST_LIMIT,
} from './service';

/**
 * The shared cache behind Redis Sentinel (`cache.redis.sentinel`): one master, one replica, three
 * sentinels. Answers are cached on the master the sentinels name, invalidations (admin API and CLI)
 * reach every instance, the per-IP limit is one budget across instances, and a failover under load,
 * planned (SENTINEL FAILOVER) or not (the master killed), loses no answer.
 */

const prefix = uniqueTestNamespace('sentinel');
const keyOf = (address: string): string => `${prefix}:v1:${address.slice(address.indexOf('@') + 1)}|${address}`;

describeWithRedisHa('test/redis-ha/sentinel.test.ts')('shared cache behind Redis Sentinel', () => {
  const source = new MutableDirectory(ACCOUNTS);
  let group: SentinelGroup | undefined;
  let folder: HaConfigFolder | undefined;
  let one: Service;
  let two: Service;
  /** What afterAll closes, however far beforeAll got. */
  const started: Service[] = [];
  const heardByTwo: InvalidationTarget[] = [];

  const sentinelGroup = (): SentinelGroup => {
    if (group === undefined) throw new Error('set up in beforeAll');
    return group;
  };
  const configFolder = (): HaConfigFolder => {
    if (folder === undefined) throw new Error('set up in beforeAll');
    return folder;
  };
  const sentinelConfig = (): Record<string, unknown> => ({
    keyPrefix: prefix,
    sentinel: { sentinels: sentinelGroup().sentinels, name: SENTINEL_MASTER_NAME },
  });
  /** How many connections of each kind the instances sharing `prefix` have to a data node. */
  const connectionsOn = async (node: RedisNode): Promise<{ cache: number; invalidations: number }> => {
    const names = await clientNamesOn(node);
    const count = (name: string): number => names.filter((entry) => entry === `${prefix}:${name}`).length;
    return { cache: count('cache'), invalidations: count('invalidations') };
  };
  /** The cache entry for an address on a data node, or null. */
  const entryOn = async (node: RedisNode, address: string): Promise<unknown> => askNode(node, 'GET', keyOf(address));

  beforeAll(async () => {
    group = await startSentinelGroup();
    folder = new HaConfigFolder(sentinelConfig());
    one = haInstance(folder, source);
    two = haInstance(folder, source);
    started.push(one, two);
    two.cache.onInvalidation?.((target) => heardByTwo.push(target));
    await Promise.all([one.ready(10_000), two.ready(10_000)]);
  }, 40_000);
  beforeEach(() => {
    source.replace(ACCOUNTS);
    heardByTwo.length = 0;
  });
  afterEach(async () => {
    if (group === undefined) return;
    const master = await group.currentMaster();
    const keys = (await askNode(master, 'KEYS', `${prefix}:*`)) as string[];
    if (keys.length > 0) await askNode(master, 'DEL', ...keys);
  });
  afterAll(async () => {
    await Promise.allSettled(started.map((instance) => instance.close()));
    folder?.remove();
    await group?.stop();
  });

  test('lookups › cached on the master the sentinels name, copied to the replica; another instance answers from there', async () => {
    const [master, replica] = sentinelGroup().dataNodes;
    if (master === undefined || replica === undefined) throw new Error('two data nodes');
    expect(await sentinelGroup().currentMaster()).toEqual(master);

    expect(await offered(one, 'jane@example.com')).toBe('business');
    expect(await offered(one, 'ann@example.org')).toBe('business');
    const lookups = source.lookups;
    expect(await offered(two, 'jane@example.com')).toBe('business');
    expect(await offered(two, 'ann@example.org')).toBe('business');
    expect(source.lookups).toBe(lookups); // answered from Redis

    expect(await entryOn(master, 'jane@example.com')).toEqual(expect.stringContaining('"accessType":"business"'));
    await waitFor(async () => (await entryOn(replica, 'jane@example.com')) !== null, 'the replica to copy the key');
    expect(await connectionsOn(master)).toEqual({ cache: 2, invalidations: 2 });
    expect(await connectionsOn(replica)).toEqual({ cache: 0, invalidations: 0 });
  });

  test('admin API › an address dropped on one instance is answered anew by the other', async () => {
    expect(await offered(two, 'jane@example.com')).toBe('business');
    source.replace(ALL_POP);
    expect(await offered(two, 'jane@example.com')).toBe('business'); // still cached

    const res = await invalidateThrough(one, { address: 'jane@example.com' });
    expect(res.status).toBe(200);
    await waitFor(() => heardByTwo.length > 0, 'the invalidation to reach the other instance');
    expect(heardByTwo).toEqual([{ address: 'jane@example.com' }]);
    expect(await offered(two, 'jane@example.com')).toBe('pop');
  });

  test('cache CLI › --domain deletes the keys on the master and tells both instances', async () => {
    for (const address of ['ann@example.org', 'bob@example.org']) expect(await offered(one, address)).toBe('business');
    source.replace(ALL_POP);

    const run = await cacheCli(configFolder(), ['--domain', 'example.org']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('domain example.org: deleted 2 cached answer(s)');
    expect(run.stdout).toContain(`sentinel ${SENTINEL_MASTER_NAME}@`);
    expect(run.stdout).toContain('told 2 running instance(s)');
    await waitFor(() => heardByTwo.length > 0, 'the invalidation to reach the instance');
    expect(heardByTwo).toEqual([{ domain: 'example.org' }]);
    expect(await offered(two, 'ann@example.org')).toBe('pop');
  });

  test('per-IP rate limit › two instances spend one budget per client IP on the master', async () => {
    const limitedFolder = new HaConfigFolder(sentinelConfig(), TEST_LIMIT);
    const limited = [haInstance(limitedFolder, source), haInstance(limitedFolder, source)];
    try {
      await Promise.all(limited.map((instance) => instance.ready(10_000)));
      for (const client of ['198.51.100.1', '198.51.100.2'])
        expect({ client, statuses: await statusesAcross(limited, client) }).toEqual({
          client,
          statuses: [200, 200, 200, 429],
        });
      const master = await sentinelGroup().currentMaster();
      expect(((await askNode(master, 'KEYS', `${prefix}:v1:rl:*`)) as string[]).sort()).toEqual([
        `${prefix}:v1:rl:198.51.100.1`,
        `${prefix}:v1:rl:198.51.100.2`,
      ]);
    } finally {
      await Promise.allSettled(limited.map((instance) => instance.close()));
      limitedFolder.remove();
    }
  });

  test('close › an instance leaves no connection open on the sentinels (the failover watch included)', async () => {
    const clientsOnSentinels = async (): Promise<number> => {
      const counts = await Promise.all(
        sentinelGroup().sentinels.map(async (sentinel) =>
          Number(/connected_clients:(\d+)/.exec(String(await askNode(sentinel, 'INFO', 'clients')))?.[1]),
        ),
      );
      return counts.reduce((sum, count) => sum + count, 0);
    };
    const before = await clientsOnSentinels();
    const instance = haInstance(configFolder(), source);
    await instance.ready(10_000);
    await waitFor(async () => (await clientsOnSentinels()) > before, 'the instance to watch the sentinels');
    await instance.close();
    await waitFor(async () => (await clientsOnSentinels()) === before, 'every connection to the sentinels to close');
  });

  describe('failover under load', () => {
    const CONCURRENCY = 16;
    /** Requests answered before each failover, and after the cache is on the new master. */
    const BEFORE = 300;
    const AFTER = 300;
    /**
     * How soon after the sentinels name a new master every instance must be connected to it: well
     * below the 8 s the sentinels wait before they demote the old master (and close its clients).
     */
    const FOLLOW_NEW_MASTER_WITHIN_MS = 4000;
    const { data, listed, unlisted } = faultAccounts();
    const mailboxes = [...listed, ...unlisted];

    test('SENTINEL FAILOVER, then the new master killed › every request gets its right 200 answer; instances follow at once', async () => {
      const { logger } = capturingLogger();
      // ttl 1 s: answers keep expiring, so lookups go on reading and writing Redis throughout.
      const service = await listen(FileDirectory.fromData(data), CONCURRENCY, {
        logger,
        cache: { ...configFolder().load().cache, ttlSeconds: 1, negativeTtlSeconds: 1 },
      });
      const tally = new Tally();
      let stopped = false;
      const load = runLoad(service, {
        concurrency: CONCURRENCY,
        maxRequests: 100_000,
        timeoutMs: 10_000,
        tally,
        nextAsk: (index) => (stopped ? undefined : mixedAsk(index, mailboxes)),
      });
      /** Waits for the sentinels to name another master, and resolves to it. */
      const newMasterAfter = async (old: RedisNode, how: string): Promise<RedisNode> => {
        let to = old;
        await waitFor(
          async () => {
            to = await sentinelGroup().currentMaster();
            return to.port !== old.port;
          },
          `the sentinels to name a new master after ${how}`,
          20_000,
        );
        return to;
      };
      /** Waits for every instance's connections (the loaded service's and the two idle ones') to be on `master`. */
      const allConnectedTo = (master: RedisNode, how: string, timeoutMs: number): Promise<void> =>
        waitFor(
          async () => {
            const { cache, invalidations } = await connectionsOn(master);
            return cache === 3 && invalidations === 3;
          },
          `every instance to connect to the new master after ${how}`,
          timeoutMs,
        );
      const moreRequests = async (): Promise<number> => {
        const at = tally.requests;
        await waitFor(() => tally.requests >= at + AFTER, 'requests after the failover', 20_000);
        return at;
      };

      const phases = async (): Promise<string> => {
        const first = await sentinelGroup().settled();
        await service.service.ready(10_000);
        expect(await offered(two, 'jane@example.com')).toBe('business');
        await waitFor(() => tally.requests >= BEFORE, 'requests before the failover', 20_000);

        const plannedAt = tally.requests;
        const sentinel = sentinelGroup().sentinels[0] ?? first;
        expect(await askNode(sentinel, 'SENTINEL', 'FAILOVER', SENTINEL_MASTER_NAME)).toBe('OK');
        const promoted = await newMasterAfter(first, 'SENTINEL FAILOVER');
        // The old master keeps running as a master until the sentinels turn it into a replica, and they
        // wait 8 s for its role to settle before they do: the instances must not wait for that.
        await allConnectedTo(promoted, 'SENTINEL FAILOVER', FOLLOW_NEW_MASTER_WITHIN_MS);
        source.replace(ALL_POP);
        expect((await invalidateThrough(one, { address: 'jane@example.com' })).status).toBe(200);
        await waitFor(() => heardByTwo.length > 0, 'the invalidation to reach the other instance');
        expect(await offered(two, 'jane@example.com')).toBe('pop');
        const plannedDone = await moreRequests();

        // The old master must be the new one's replica, in sync, before the sentinels can fail back to it.
        expect(await sentinelGroup().settled()).toEqual(promoted);
        const killedAt = tally.requests;
        await sentinelGroup().kill(promoted);
        const last = await newMasterAfter(promoted, 'the master was killed');
        await allConnectedTo(last, 'the master was killed', 20_000);
        const killedDone = await moreRequests();
        return (
          ` (SENTINEL FAILOVER at request ${plannedAt}, every instance on the new master by ${plannedDone}; ` +
          `that master SIGKILLed at ${killedAt}, every instance on the next by ${killedDone})`
        );
      };
      let extra = ' (stopped early)';
      try {
        extra = await phases();
      } finally {
        stopped = true;
        await load;
        await service.close();
        console.log(summaryLine('sentinel-failover', tally, extra));
      }

      expect(tally.problems).toEqual([]);
      expect({ fiveXx: tally.fiveXx, wrong: tally.wrong, lost: tally.lost }).toEqual({ fiveXx: 0, wrong: 0, lost: 0 });
      expect(tally.correct).toBe(tally.requests);
      expect(tally.requests).toBeGreaterThanOrEqual(BEFORE + 2 * AFTER);
    }, 90_000);

    test('after both failovers › the idle instances cache on the new master and hear invalidations', async () => {
      const master = await sentinelGroup().currentMaster();
      await waitFor(
        async () => {
          const { cache, invalidations } = await connectionsOn(master);
          return cache === 2 && invalidations === 2;
        },
        'the idle instances on the new master',
        20_000,
      );
      expect(await offered(one, 'jane@example.com')).toBe('business');
      await waitFor(async () => (await entryOn(master, 'jane@example.com')) !== null, 'the key on the new master');
      source.replace(ALL_POP);

      const res = await invalidateThrough(one, { address: 'jane@example.com' });
      expect(res.status).toBe(200);
      await waitFor(() => heardByTwo.length > 0, 'the invalidation to reach the other instance');
      expect(await offered(two, 'jane@example.com')).toBe('pop');
    });
  });
});
