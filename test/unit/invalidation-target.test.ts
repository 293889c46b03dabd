import {
  domainOfTarget,
  INVALIDATION_TARGET_EXAMPLE,
  parseInvalidationTarget,
} from '../../src/cache/invalidation-target';

describe('parseInvalidationTarget', () => {
  test('address › the lookup key (lower-cased, punycode domain)', () => {
    expect(parseInvalidationTarget({ address: 'Jane@Bücher.example' })).toEqual({
      ok: true,
      value: { address: 'jane@xn--bcher-kva.example' },
    });
  });

  test('domain › ASCII form', () => {
    expect(parseInvalidationTarget({ domain: 'Bücher.example' })).toEqual({
      ok: true,
      value: { domain: 'xn--bcher-kva.example' },
    });
  });

  test('null › refused', () => {
    expect(parseInvalidationTarget(null).ok).toBe(false);
  });
});

describe('parseInvalidationTarget › refusals name the fix', () => {
  test.each([
    ['neither key', {}, INVALIDATION_TARGET_EXAMPLE],
    ['both keys', { address: 'jane@example.com', domain: 'example.com' }, INVALIDATION_TARGET_EXAMPLE],
    ['an unknown key', { email: 'jane@example.com' }, 'unknown key(s) "email"'],
    ['an array', [], 'send a JSON object'],
    ['an address without "@"', { address: 'jane' }, 'address: the e-mail address has no "@"'],
    ['an address that is not a string', { address: 42 }, 'address must be a string'],
    ['a bad domain', { domain: 'exa mple.com' }, 'domain must be a domain name such as "example.com"'],
  ])('%s', (_what, input, message) => {
    const parsed = parseInvalidationTarget(input);
    expect(parsed.ok ? 'accepted' : parsed.error).toContain(message);
  });
});

describe('domainOfTarget', () => {
  test('address › the part after the last "@"; domain › itself', () => {
    expect(domainOfTarget({ address: '"a@b"@example.com' })).toBe('example.com');
    expect(domainOfTarget({ domain: 'example.org' })).toBe('example.org');
  });
});
