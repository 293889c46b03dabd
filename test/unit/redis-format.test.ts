import {
  decodeEntry,
  decodeInvalidation,
  encodeEntry,
  encodeInvalidation,
  escapeGlob,
  invalidationChannelOf,
  redisKeyOf,
  redisKeysOf,
} from '../../src/cache/redis-format';

describe('Redis key format', () => {
  test('key › <prefix>:v1:<domain>|<mailbox>, empty mailbox for the domain answer', () => {
    expect(redisKeyOf('mail-autodiscover', { domain: 'example.com', address: 'jane@example.com' })).toBe(
      'mail-autodiscover:v1:example.com|jane@example.com',
    );
    expect(redisKeyOf('p', { domain: 'example.com', address: null })).toBe('p:v1:example.com|');
  });

  test('scope › exact key for a mailbox, escaped SCAN pattern for a domain', () => {
    expect(redisKeysOf('p', { address: 'jane@example.com' })).toEqual({ exact: 'p:v1:example.com|jane@example.com' });
    expect(redisKeysOf('p', { domain: 'example.com' })).toEqual({ pattern: 'p:v1:example.com|*' });
    expect(redisKeysOf('a[b]*?\\', { domain: 'example.com' })).toEqual({
      pattern: 'a\\[b\\]\\*\\?\\\\:v1:example.com|*',
    });
  });

  test('escapeGlob › only * ? [ ] and backslash', () => {
    expect(escapeGlob('x-y.z|*')).toBe('x-y.z|\\*');
  });

  test('channel › <prefix>:v1:invalidate', () => {
    expect(invalidationChannelOf('mail-autodiscover')).toBe('mail-autodiscover:v1:invalidate');
  });
});

describe('Redis value format', () => {
  const answer = {
    hosted: true as const,
    accessType: 'business' as const,
    mailbox: 'known' as const,
    displayName: null,
  };

  test('entry › round trip, small', () => {
    const text = encodeEntry({ answer, freshUntil: 1_767_000_000_000 });
    expect(text.length).toBeLessThan(120);
    expect(decodeEntry(text)).toEqual({ answer, freshUntil: 1_767_000_000_000 });
  });

  test.each([
    ['null', null],
    ['garbage', '{{'],
    ['version 2', '{"v":2,"f":1,"a":{"hosted":false}}'],
    ['extra field', '{"v":1,"f":1,"a":{"hosted":false,"x":1}}'],
  ])('entry › %s › undefined (a miss)', (_what, text) => {
    expect(decodeEntry(text)).toBeUndefined();
  });

  test('invalidation message › an address travels as "mailbox", as instances of earlier releases expect', () => {
    expect(encodeInvalidation({ address: 'jane@example.com' })).toBe('{"v":1,"mailbox":"jane@example.com"}');
    expect(encodeInvalidation({ domain: 'example.com' })).toBe('{"v":1,"domain":"example.com"}');
    expect(decodeInvalidation('{"v":1,"mailbox":"jane@example.com"}')).toEqual({ address: 'jane@example.com' });
  });

  test('invalidation message › round trip; anything else › undefined', () => {
    expect(decodeInvalidation(encodeInvalidation({ address: 'jane@example.com' }))).toEqual({
      address: 'jane@example.com',
    });
    expect(decodeInvalidation(encodeInvalidation({ domain: 'example.com' }))).toEqual({ domain: 'example.com' });
    expect(decodeInvalidation('{"v":1}')).toBeUndefined();
    expect(decodeInvalidation('{"v":1,"mailbox":"a","domain":"b"}')).toBeUndefined();
  });
});
