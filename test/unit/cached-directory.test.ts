import { DirectoryUnavailableError, type DirectoryAnswer } from '../../src/directory/account-directory';
import { CachedDirectory, type CachePolicy } from '../../src/cache/cached-directory';
import { MemoryLookupCache } from '../../src/cache/memory-cache';
import {
  BUSINESS_KNOWN,
  mailboxQuery,
  manualClock,
  NOT_HOSTED_ANSWER,
  POP_KNOWN,
  POP_UNKNOWN_MAILBOX,
  ScriptedSource,
  type ManualClock,
} from '../support/directory-doubles';

const POLICY: CachePolicy = { ttlSeconds: 300, negativeTtlSeconds: 60, staleGraceSeconds: 3600 };
const QUERY = mailboxQuery('pop.user@example.com');

interface Rig {
  readonly source: ScriptedSource;
  readonly clock: ManualClock;
  readonly directory: CachedDirectory;
}

function rig(answer: DirectoryAnswer = POP_KNOWN, policy: CachePolicy = POLICY): Rig {
  const source = new ScriptedSource().answer(answer);
  const clock = manualClock();
  const directory = new CachedDirectory(source, new MemoryLookupCache(1000, clock.now), policy, clock.now);
  return { source, clock, directory };
}

/**
 * Starts lookups while the source is held, lets every caller reach the source or the in-flight map,
 * then releases the source: the lookups really overlap.
 */
async function overlapping(
  source: ScriptedSource,
  start: () => Array<Promise<DirectoryAnswer>>,
): Promise<Array<PromiseSettledResult<DirectoryAnswer>>> {
  source.hold();
  const lookups = start();
  await new Promise<void>((resolve) => setImmediate(resolve));
  source.release();
  return Promise.allSettled(lookups);
}

/** The cached answer is used for `seconds` after the first lookup, and the source asked again at `seconds`. */
async function expectAskedAgainAfter({ source, clock, directory }: Rig, seconds: number): Promise<void> {
  await directory.lookup(QUERY);
  clock.advanceSeconds(seconds - 1);
  await directory.lookup(QUERY);
  expect(source.calls).toBe(1);
  clock.advanceSeconds(1);
  await directory.lookup(QUERY);
  expect(source.calls).toBe(2);
}

describe('CachedDirectory › single flight', () => {
  test('50 concurrent lookups of one uncached key › the source is called once, all get its answer', async () => {
    const { source, directory } = rig(BUSINESS_KNOWN);
    const results = await overlapping(source, () => Array.from({ length: 50 }, () => directory.lookup(QUERY)));
    expect(source.calls).toBe(1);
    expect(results).toEqual(Array.from({ length: 50 }, () => ({ status: 'fulfilled', value: BUSINESS_KNOWN })));
  });

  test('50 concurrent lookups while the source fails › one call, every caller gets the error', async () => {
    const { source, directory } = rig();
    source.fail(new DirectoryUnavailableError('down'));
    const results = await overlapping(source, () => Array.from({ length: 50 }, () => directory.lookup(QUERY)));
    expect(source.calls).toBe(1);
    expect(
      results.every((result) => result.status === 'rejected' && result.reason instanceof DirectoryUnavailableError),
    ).toBe(true);
  });

  test('concurrent lookups of two different keys › one source call each', async () => {
    const { source, directory } = rig();
    await overlapping(source, () =>
      [QUERY, mailboxQuery('other@example.com'), QUERY, mailboxQuery('other@example.com')].map((query) =>
        directory.lookup(query),
      ),
    );
    expect(source.calls).toBe(2);
  });
});

describe('CachedDirectory › TTLs', () => {
  test('known mailbox › served from cache for ttlSeconds, asked again after', async () => {
    await expectAskedAgainAfter(rig(POP_KNOWN), POLICY.ttlSeconds);
  });

  test.each([
    ['unknown mailbox at a hosted domain', POP_UNKNOWN_MAILBOX],
    ['domain not hosted', NOT_HOSTED_ANSWER],
  ])('%s › negativeTtlSeconds used: asked again after it', async (_label, answer) => {
    await expectAskedAgainAfter(rig(answer), POLICY.negativeTtlSeconds);
  });

  test('ttlSeconds 0 › nothing cached, every lookup asks the source', async () => {
    const { source, directory } = rig(POP_KNOWN, { ttlSeconds: 0, negativeTtlSeconds: 0, staleGraceSeconds: 3600 });
    await directory.lookup(QUERY);
    await directory.lookup(QUERY);
    expect(source.calls).toBe(2);
  });

  test('invalidate the mailbox › the next lookup asks the source', async () => {
    const { source, directory } = rig(POP_KNOWN);
    await directory.lookup(QUERY);
    source.answer(BUSINESS_KNOWN);
    await directory.invalidate({ address: QUERY.address ?? '' });
    expect(await directory.lookup(QUERY)).toEqual(BUSINESS_KNOWN);
    expect(source.calls).toBe(2);
  });

  test('invalidate the domain › the next lookup asks the source', async () => {
    const { source, directory } = rig(POP_KNOWN);
    await directory.lookup(QUERY);
    await directory.invalidate({ domain: 'example.com' });
    await directory.lookup(QUERY);
    expect(source.calls).toBe(2);
  });
});

describe('CachedDirectory › directory unavailable', () => {
  test('stale answer within staleGraceSeconds and DirectoryUnavailableError › success: the stale answer', async () => {
    const { source, clock, directory } = rig(BUSINESS_KNOWN);
    await directory.lookup(QUERY);
    clock.advanceSeconds(POLICY.ttlSeconds + POLICY.staleGraceSeconds - 1);
    source.fail(new DirectoryUnavailableError('database down'));
    expect(await directory.lookup(QUERY)).toEqual(BUSINESS_KNOWN);
    expect(source.calls).toBe(2);
  });

  test('stale answer past staleGraceSeconds › failure: the error is rethrown', async () => {
    const { source, clock, directory } = rig(BUSINESS_KNOWN);
    await directory.lookup(QUERY);
    clock.advanceSeconds(POLICY.ttlSeconds + POLICY.staleGraceSeconds);
    source.fail(new DirectoryUnavailableError('database down'));
    await expect(directory.lookup(QUERY)).rejects.toBeInstanceOf(DirectoryUnavailableError);
  });

  test('nothing cached › failure: DirectoryUnavailableError rethrown', async () => {
    const { source, directory } = rig();
    source.fail(new DirectoryUnavailableError('database down'));
    await expect(directory.lookup(QUERY)).rejects.toThrow('database down');
  });

  test('stale answer but a plain Error (a bug, not an outage) › failure: rethrown, not hidden', async () => {
    const { source, clock, directory } = rig(BUSINESS_KNOWN);
    await directory.lookup(QUERY);
    clock.advanceSeconds(POLICY.ttlSeconds + 1);
    source.fail(new TypeError('cannot read properties of undefined'));
    await expect(directory.lookup(QUERY)).rejects.toBeInstanceOf(TypeError);
  });

  test('failure then recovery › success: the error was not cached', async () => {
    const { source, directory } = rig();
    source.fail(new DirectoryUnavailableError('database down'));
    await expect(directory.lookup(QUERY)).rejects.toBeInstanceOf(DirectoryUnavailableError);
    source.answer(POP_KNOWN);
    expect(await directory.lookup(QUERY)).toEqual(POP_KNOWN);
  });
});
