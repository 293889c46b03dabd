import type { AccountQuery, DirectoryAnswer } from '../../src/directory/account-directory';
import { CachedDirectory } from '../../src/cache/cached-directory';
import type { InvalidationTarget } from '../../src/cache/invalidation-target';
import { MemoryLookupCache } from '../../src/cache/memory-cache';
import { MutableDirectory } from '../support/mutable-directory';

const POLICY = { ttlSeconds: 300, negativeTtlSeconds: 60, staleGraceSeconds: 0 };
const jane: AccountQuery = { domain: 'example.com', address: 'jane@example.com' };
const BEFORE = {
  domains: [{ domain: 'example.com', defaultAccessType: 'pop' as const }],
  accounts: [{ address: 'jane@example.com', accessType: 'business' as const }],
};
const AFTER = { domains: BEFORE.domains, accounts: [{ address: 'jane@example.com', accessType: 'pop' as const }] };

/** A directory whose lookups wait until released, reporting when one has read the data. */
function gatedDirectory(source: MutableDirectory) {
  const waiting: Array<() => void> = [];
  let entered = 0;
  return {
    directory: {
      lookup: async (query: AccountQuery): Promise<DirectoryAnswer> => {
        const answer = await source.lookup(query); // reads the data now ...
        entered += 1;
        await new Promise<void>((resolve) => waiting.push(resolve)); // ... answers later
        return answer;
      },
      close: async () => undefined,
    },
    entered: () => entered,
    releaseAll: () => waiting.splice(0).forEach((release) => release()),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('CachedDirectory › invalidation and in-flight lookups', () => {
  test('invalidated while in flight › the old answer is returned but not stored; a new lookup asks again', async () => {
    const source = new MutableDirectory(BEFORE);
    const gated = gatedDirectory(source);
    const cache = new MemoryLookupCache(10);
    const directory = new CachedDirectory(gated.directory, cache, POLICY);

    const old = directory.lookup(jane);
    while (gated.entered() < 1) await tick();
    source.replace(AFTER);
    await directory.invalidate({ domain: 'example.com' });
    const fresh = directory.lookup(jane); // must not join the old flight
    while (gated.entered() < 2) await tick();
    gated.releaseAll();

    await expect(old).resolves.toMatchObject({ accessType: 'business' });
    await expect(fresh).resolves.toMatchObject({ accessType: 'pop' });
    expect(source.lookups).toBe(2);
    await expect(directory.lookup(jane)).resolves.toMatchObject({ accessType: 'pop' });
  });

  test('a shared cache reports an invalidation from another instance › in-flight lookups are forgotten too', async () => {
    const source = new MutableDirectory(BEFORE);
    const gated = gatedDirectory(source);
    let remote: (scope: InvalidationTarget) => void = () => undefined;
    const memory = new MemoryLookupCache(10);
    const shared = Object.assign(memory, {
      onInvalidation: (listener: (scope: InvalidationTarget) => void) => {
        remote = listener;
      },
    });
    const directory = new CachedDirectory(gated.directory, shared, POLICY);

    const old = directory.lookup(jane);
    while (gated.entered() < 1) await tick();
    remote({ address: 'jane@example.com' });
    gated.releaseAll();
    await old;
    expect(await memory.get(jane)).toBeUndefined();
  });

  test('an invalidation of another mailbox › the in-flight lookup is still shared', async () => {
    const source = new MutableDirectory(BEFORE);
    const gated = gatedDirectory(source);
    const directory = new CachedDirectory(gated.directory, new MemoryLookupCache(10), POLICY);
    const first = directory.lookup(jane);
    while (gated.entered() < 1) await tick();
    await directory.invalidate({ address: 'joe@example.com' });
    const second = directory.lookup(jane);
    gated.releaseAll();
    await Promise.all([first, second]);
    expect(source.lookups).toBe(1);
  });
});
