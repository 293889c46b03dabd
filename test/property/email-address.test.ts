import fc from 'fast-check';
import { parseDomainName, parseEmailAddress, type EmailAddress } from '../../src/model/email-address';
import { addressLike, anyString, caseVariant, domainName, localPart, RUNS } from './arbitraries';

/** What an address may never carry into an answer: C0/C1 controls, line separators, non-characters, broken surrogates. */
const FORBIDDEN_IN_ADDRESS = /[\p{Cc}\p{Cs}\u2028\u2029\ufffe\uffff]/u;

function accepted(input: string): EmailAddress | null {
  const result = parseEmailAddress(input);
  return result.ok ? result.value : null;
}

describe('parseEmailAddress › properties', () => {
  test('never throws on any string, full UTF-16 included', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, addressLike), (input) => {
        const result = parseEmailAddress(input);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: RUNS * 2 },
    );
  });

  test('an accepted address has no control characters and keeps RFC 5321 limits (254 octets, local part 64)', () => {
    fc.assert(
      fc.property(addressLike, (input) => {
        const address = accepted(input);
        if (address === null) return;
        expect(address.address).not.toMatch(FORBIDDEN_IN_ADDRESS);
        expect(Buffer.byteLength(address.address, 'utf8')).toBeLessThanOrEqual(254);
        expect(Buffer.byteLength(address.localPart, 'utf8')).toBeLessThanOrEqual(64);
        expect(address.address).toBe(`${address.localPart}@${address.domain}`);
        expect(address.domain).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
        expect(address.lookupKey).toBe(address.address.toLowerCase());
      }),
      { numRuns: RUNS },
    );
  });

  test('idempotent: parsing `address` again gives the same result', () => {
    fc.assert(
      fc.property(addressLike, (input) => {
        const address = accepted(input);
        if (address === null) return;
        expect(parseEmailAddress(address.address)).toEqual({ ok: true, value: address });
      }),
      { numRuns: RUNS },
    );
  });

  test('upper/lower-case variants of the domain give the same lookupKey', () => {
    fc.assert(
      fc.property(
        localPart,
        domainName,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        (local, domain, mask) => {
          const original = accepted(`${local}@${domain}`);
          const variant = accepted(`${local}@${caseVariant(domain, mask)}`);
          expect(variant?.lookupKey).toBe(original?.lookupKey);
          expect(accepted(`${local}@${domain.toLowerCase()}`)?.domain).toBe(original?.domain);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('the Unicode and punycode forms of a domain give the same address', () => {
    fc.assert(
      fc.property(localPart, domainName, (local, domain) => {
        const original = accepted(`${local}@${domain}`);
        if (original === null) return;
        expect(accepted(`${local}@${original.domain}`)).toEqual(original);
        expect(accepted(`${local}@${original.domainUnicode}`)).toEqual(original);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parseDomainName › properties', () => {
  test('never throws; an accepted name is lower-case LDH labels, and both forms parse back to it', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, domainName), (input) => {
        const result = parseDomainName(input);
        if (!result.ok) return;
        const { ascii, unicode } = result.value;
        expect(ascii.length).toBeLessThanOrEqual(253);
        expect(ascii).toMatch(/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/);
        expect(parseDomainName(ascii)).toEqual(result);
        expect(parseDomainName(unicode)).toEqual(result);
        expect(parseDomainName(ascii.toUpperCase())).toEqual(result);
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
