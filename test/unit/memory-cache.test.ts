import type { AccountQuery } from '../../src/directory/account-directory';
import type { InvalidationTarget } from '../../src/cache/invalidation-target';
import type { CachedAnswer } from '../../src/cache/lookup-cache';
import { MemoryLookupCache } from '../../src/cache/memory-cache';
import { BUSINESS_KNOWN, mailboxQuery, manualClock, POP_KNOWN } from '../support/directory-doubles';

const entry = (freshUntil = 0): CachedAnswer => ({ answer: POP_KNOWN, freshUntil });
const domainQuery = (domain: string): AccountQuery => ({ domain, address: null });

describe('MemoryLookupCache › expiry (injected clock)', () => {
  test('entry within keepSeconds › returned', async () => {
    const clock = manualClock();
    const cache = new MemoryLookupCache(100, clock.now);
    await cache.set(mailboxQuery('a@example.com'), entry(), 60);
    clock.advanceSeconds(59);
    expect(await cache.get(mailboxQuery('a@example.com'))).toEqual(entry());
  });

  test('entry at or past keepSeconds › gone, and dropped from the size', async () => {
    const clock = manualClock();
    const cache = new MemoryLookupCache(100, clock.now);
    await cache.set(mailboxQuery('a@example.com'), entry(), 60);
    clock.advanceSeconds(60);
    expect(await cache.get(mailboxQuery('a@example.com'))).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  test('keepSeconds 0 › nothing stored', async () => {
    const cache = new MemoryLookupCache(100, manualClock().now);
    await cache.set(mailboxQuery('a@example.com'), entry(), 0);
    expect(await cache.get(mailboxQuery('a@example.com'))).toBeUndefined();
  });

  test('mailbox and domain answers for the same domain › kept apart', async () => {
    const cache = new MemoryLookupCache(100, manualClock().now);
    await cache.set(domainQuery('example.com'), { answer: BUSINESS_KNOWN, freshUntil: 0 }, 60);
    await cache.set(mailboxQuery('a@example.com'), entry(), 60);
    expect((await cache.get(domainQuery('example.com')))?.answer).toEqual(BUSINESS_KNOWN);
    expect((await cache.get(mailboxQuery('a@example.com')))?.answer).toEqual(POP_KNOWN);
  });
});

describe('MemoryLookupCache › size bound', () => {
  test('over maxEntries › the least recently used entry is evicted, size stays at the bound', async () => {
    const cache = new MemoryLookupCache(2, manualClock().now);
    await cache.set(mailboxQuery('a@example.com'), entry(), 60);
    await cache.set(mailboxQuery('b@example.com'), entry(), 60);
    // Reading a keeps it hot, so b is the least recently used.
    await cache.get(mailboxQuery('a@example.com'));
    await cache.set(mailboxQuery('c@example.com'), entry(), 60);
    expect(cache.size).toBe(2);
    expect(await cache.get(mailboxQuery('a@example.com'))).toBeDefined();
    expect(await cache.get(mailboxQuery('b@example.com'))).toBeUndefined();
    expect(await cache.get(mailboxQuery('c@example.com'))).toBeDefined();
  });

  test('overwriting a key at the bound › nothing else evicted', async () => {
    const cache = new MemoryLookupCache(2, manualClock().now);
    await cache.set(mailboxQuery('a@example.com'), entry(), 60);
    await cache.set(mailboxQuery('b@example.com'), entry(), 60);
    await cache.set(mailboxQuery('a@example.com'), entry(1), 60);
    expect(cache.size).toBe(2);
    expect(await cache.get(mailboxQuery('b@example.com'))).toBeDefined();
    expect(await cache.get(mailboxQuery('a@example.com'))).toEqual(entry(1));
  });

  test('many more entries than the bound › size never exceeds it', async () => {
    const cache = new MemoryLookupCache(10, manualClock().now);
    for (let i = 0; i < 100; i += 1) await cache.set(mailboxQuery(`user${i}@example.com`), entry(), 60);
    expect(cache.size).toBe(10);
    expect(await cache.get(mailboxQuery('user99@example.com'))).toBeDefined();
    expect(await cache.get(mailboxQuery('user0@example.com'))).toBeUndefined();
  });
});

describe('MemoryLookupCache › invalidate', () => {
  const QUERIES: Readonly<Record<string, AccountQuery>> = {
    'a@example.com': mailboxQuery('a@example.com'),
    'b@example.com': mailboxQuery('b@example.com'),
    'example.com (domain answer)': domainQuery('example.com'),
    'a@sub.example.com': mailboxQuery('a@sub.example.com'),
    'a@notexample.com': mailboxQuery('a@notexample.com'),
    'a@example.org': mailboxQuery('a@example.org'),
  };

  /** A cache holding every entry of QUERIES, invalidated with `scope`; returns what is left. */
  async function leftAfter(scope: InvalidationTarget): Promise<string[]> {
    const cache = new MemoryLookupCache(100, manualClock().now);
    for (const query of Object.values(QUERIES)) await cache.set(query, entry(), 60);
    await cache.invalidate(scope);
    const left: string[] = [];
    for (const [label, query] of Object.entries(QUERIES)) if ((await cache.get(query)) !== undefined) left.push(label);
    expect(cache.size).toBe(left.length);
    return left;
  }

  test('one mailbox › only that entry dropped', async () => {
    expect(await leftAfter({ address: 'a@example.com' })).toEqual([
      'b@example.com',
      'example.com (domain answer)',
      'a@sub.example.com',
      'a@notexample.com',
      'a@example.org',
    ]);
  });

  test('a domain › its mailboxes and its own answer dropped, look-alike and sub-domains kept', async () => {
    expect(await leftAfter({ domain: 'example.com' })).toEqual([
      'a@sub.example.com',
      'a@notexample.com',
      'a@example.org',
    ]);
  });

  test('a mailbox that was never cached › nothing dropped', async () => {
    expect(await leftAfter({ address: 'nobody@example.com' })).toHaveLength(Object.keys(QUERIES).length);
  });
});
