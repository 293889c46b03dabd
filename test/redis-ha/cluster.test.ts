import { Cluster, Redis } from 'ioredis';
import type { Service } from '../../src/compose';
import type { InvalidationTarget } from '../../src/cache/invalidation-target';
import { uniqueTestNamespace } from '../support/backends';
import { waitFor } from '../redis/support';
import { MutableDirectory } from '../support/mutable-directory';
import { describeWithRedisHa, startRedisCluster, type RedisCluster, type RedisNode } from './servers';
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
 * The shared cache on a real Redis Cluster of three masters (`cache.redis.cluster`): answers are
 * cached across the masters, invalidations (admin API and CLI) delete keys on every master and reach
 * every instance, and the per-IP limit is one budget across instances.
 */

const prefix = uniqueTestNamespace('cluster');
/**
 * Enough mailboxes that their keys land on every master (16384 slots split in three). Their names
 * differ in many characters: CRC16 puts keys that differ only in a digit or two into nearby slots.
 */
const MAILBOXES = Array.from(
  { length: 30 },
  (_, index) => `${(((index + 1) * 2654435761) % 2 ** 32).toString(36)}@example.org`,
);
/** The cache's keys each master holds, by port. */
async function keysPerMaster(nodes: readonly RedisNode[], pattern: string): Promise<number[]> {
  return Promise.all(
    nodes.map(async (node) => {
      const client = new Redis({ ...node, lazyConnect: true });
      try {
        let cursor = '0';
        let count = 0;
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          cursor = next;
          count += keys.length;
        } while (cursor !== '0');
        return count;
      } finally {
        client.disconnect();
      }
    }),
  );
}

describeWithRedisHa('test/redis-ha/cluster.test.ts')('shared cache on a 3-master Redis Cluster', () => {
  const source = new MutableDirectory(ACCOUNTS);
  let cluster: RedisCluster | undefined;
  let folder: HaConfigFolder | undefined;
  let inspector: Cluster | undefined;
  let one: Service;
  let two: Service;
  /** What afterAll closes, however far beforeAll got. */
  const started: Service[] = [];
  const heardByTwo: InvalidationTarget[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster();
    // Only one node listed: the client finds the others itself, as the README says.
    folder = new HaConfigFolder({ keyPrefix: prefix, cluster: { nodes: cluster.nodes.slice(0, 1) } });
    inspector = new Cluster([...cluster.nodes]);
    one = haInstance(folder, source);
    two = haInstance(folder, source);
    started.push(one, two);
    two.cache.onInvalidation?.((target) => heardByTwo.push(target));
    await Promise.all([one.ready(10_000), two.ready(10_000)]);
  }, 30_000);
  beforeEach(() => {
    source.replace(ACCOUNTS);
    heardByTwo.length = 0;
  });
  afterEach(async () => {
    if (inspector === undefined) return;
    for (const node of inspector.nodes('master')) {
      const keys = await node.keys(`${prefix}:*`);
      for (const key of keys) await node.del(key);
    }
  });
  afterAll(async () => {
    await Promise.allSettled(started.map((instance) => instance.close()));
    inspector?.disconnect();
    folder?.remove();
    await cluster?.stop();
  });

  const mastersHoldingKeys = async (pattern: string): Promise<number[]> => {
    if (cluster === undefined) throw new Error('set up in beforeAll');
    return keysPerMaster(cluster.nodes, pattern);
  };

  test('lookups › cached across all three masters; a second instance answers from the cluster', async () => {
    for (const address of MAILBOXES) expect(await offered(one, address)).toBe('business');
    const lookups = source.lookups;
    expect(lookups).toBe(MAILBOXES.length);
    for (const address of MAILBOXES) expect(await offered(two, address)).toBe('business');
    expect(source.lookups).toBe(lookups); // every answer came from the cluster

    const perMaster = await mastersHoldingKeys(`${prefix}:*`);
    expect(perMaster.every((count) => count > 0)).toBe(true);
    expect(perMaster.reduce((sum, count) => sum + count, 0)).toBe(MAILBOXES.length);
    expect(await inspector?.exists(`${prefix}:v1:example.org|${MAILBOXES[0] ?? ''}`)).toBe(1);
  });

  test('admin API › an address dropped on one instance is answered anew by the other', async () => {
    expect(await offered(one, 'jane@example.com')).toBe('business');
    source.replace(ALL_POP);
    expect(await offered(two, 'jane@example.com')).toBe('business'); // still cached

    const res = await invalidateThrough(one, { address: 'jane@example.com' });
    expect(res.status).toBe(200);
    expect(await inspector?.exists(`${prefix}:v1:example.com|jane@example.com`)).toBe(0);
    await waitFor(() => heardByTwo.length > 0, 'the invalidation to reach the other instance');
    expect(heardByTwo).toEqual([{ address: 'jane@example.com' }]);
    expect(await offered(two, 'jane@example.com')).toBe('pop');
  });

  test('admin API › a domain dropped deletes its keys on every master, and only its keys', async () => {
    for (const address of MAILBOXES) await offered(one, address);
    await offered(one, 'jane@example.com');
    expect((await mastersHoldingKeys(`${prefix}:v1:example.org|*`)).every((count) => count > 0)).toBe(true);
    source.replace(ALL_POP);

    const res = await invalidateThrough(two, { domain: 'example.org' });
    expect(res.status).toBe(200);
    expect(await mastersHoldingKeys(`${prefix}:v1:example.org|*`)).toEqual([0, 0, 0]);
    for (const address of MAILBOXES) expect(await offered(one, address)).toBe('pop');
    expect(await offered(one, 'jane@example.com')).toBe('business'); // another domain: still cached
  });

  test('cache CLI › --domain deletes the keys on every master and every instance hears it', async () => {
    for (const address of MAILBOXES) await offered(one, address);
    source.replace(ALL_POP);
    if (folder === undefined) throw new Error('set up in beforeAll');

    const run = await cacheCli(folder, ['--domain', 'Example.ORG']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`domain example.org: deleted ${MAILBOXES.length} cached answer(s)`);
    expect(run.stdout).toContain('published the invalidation to the cluster');
    expect(await mastersHoldingKeys(`${prefix}:*`)).toEqual([0, 0, 0]);
    await waitFor(() => heardByTwo.length > 0, 'the invalidation to reach the instance');
    expect(heardByTwo).toEqual([{ domain: 'example.org' }]);
    expect(await offered(two, MAILBOXES[0] ?? '')).toBe('pop');
  });

  test('per-IP rate limit › two instances spend one budget per client IP, counted on whichever master owns its key', async () => {
    /** Enough client IPs that their counters land on every master. */
    const clients = Array.from({ length: 30 }, (_, index) => `198.51.100.${index + 1}`);
    const limitedFolder = new HaConfigFolder(
      { keyPrefix: prefix, cluster: { nodes: cluster?.nodes.slice(0, 1) } },
      TEST_LIMIT,
    );
    const limited = [haInstance(limitedFolder, source), haInstance(limitedFolder, source)];
    try {
      await Promise.all(limited.map((instance) => instance.ready(10_000)));
      for (const client of clients)
        expect({ client, statuses: await statusesAcross(limited, client) }).toEqual({
          client,
          statuses: [200, 200, 200, 429],
        });
      const counters = await mastersHoldingKeys(`${prefix}:v1:rl:*`);
      expect(counters.reduce((sum, count) => sum + count, 0)).toBe(clients.length);
      expect(counters.every((count) => count > 0)).toBe(true);
    } finally {
      await Promise.allSettled(limited.map((instance) => instance.close()));
      limitedFolder.remove();
    }
  });
});
