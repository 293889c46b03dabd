import {
  parseDomainName,
  parseEmailAddress,
  type AddressError,
  type EmailAddress,
} from '../../src/model/email-address';

/** The parsed address, or a test failure naming the refusal. */
function parsed(input: string): EmailAddress {
  const result = parseEmailAddress(input);
  if (!result.ok) throw new Error(`${JSON.stringify(input)} was refused: ${result.error}`);
  return result.value;
}

function refusal(input: string): AddressError | 'accepted' {
  const result = parseEmailAddress(input);
  return result.ok ? 'accepted' : result.error;
}

// 63-character labels: 63 + 1 + 63 + 1 + 57 + 4 = 189 characters of domain.
const DOMAIN_189 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(57)}.com`;

describe('parseEmailAddress › normal forms', () => {
  test('plain address › every form filled in', () => {
    expect(parsed('pop.user@example.com')).toEqual({
      localPart: 'pop.user',
      domain: 'example.com',
      domainUnicode: 'example.com',
      address: 'pop.user@example.com',
      lookupKey: 'pop.user@example.com',
    });
  });

  test('surrounding whitespace and a trailing CRLF › trimmed', () => {
    expect(parsed('  \tpop.user@example.com\r\n').address).toBe('pop.user@example.com');
  });

  test('upper-case domain › lower-cased; local part kept as typed, lookup key lower-cased', () => {
    const address = parsed('Pop.User@EXAMPLE.Com');
    expect(address.domain).toBe('example.com');
    expect(address.localPart).toBe('Pop.User');
    expect(address.address).toBe('Pop.User@example.com');
    expect(address.lookupKey).toBe('pop.user@example.com');
  });

  test('Unicode (IDN) domain › ASCII punycode form, Unicode kept for display', () => {
    const address = parsed('kari@Bücher.Example');
    expect(address.domain).toBe('xn--bcher-kva.example');
    expect(address.domainUnicode).toBe('bücher.example');
    expect(address.address).toBe('kari@xn--bcher-kva.example');
  });

  test('punycode domain › same ASCII form, Unicode form recovered', () => {
    const address = parsed('kari@XN--BCHER-KVA.example');
    expect(address.domain).toBe('xn--bcher-kva.example');
    expect(address.domainUnicode).toBe('bücher.example');
  });

  test('domain with a trailing dot (FQDN form) › dot dropped', () => {
    expect(parsed('pop.user@example.com.').domain).toBe('example.com');
  });

  test('two "@" › split on the last one: the local part "a@b" is refused, not the domain', () => {
    // A split on the first "@" would refuse "b@example.com" as a domain instead.
    expect(refusal('a@b@example.com')).toBe('invalid-local-part');
  });

  test('local part of exactly 64 octets › accepted', () => {
    expect(parsed(`${'x'.repeat(64)}@example.com`).localPart).toHaveLength(64);
  });

  test('address of exactly 254 characters › accepted', () => {
    const input = `${'x'.repeat(64)}@${DOMAIN_189}`;
    expect(input).toHaveLength(254);
    expect(parsed(input).address).toHaveLength(254);
  });

  test('RFC 5322 atext specials and a UTF-8 local part › accepted', () => {
    expect(parsed("o'brien+tag!#$%&*/=?^_`{|}~-@example.com").localPart).toBe("o'brien+tag!#$%&*/=?^_`{|}~-");
    expect(parsed('jørgen@example.com').localPart).toBe('jørgen');
  });
});

describe('parseEmailAddress › refusals', () => {
  test.each<readonly [string, AddressError, string]>([
    ['empty', 'empty', ''],
    ['whitespace only', 'empty', ' \t '],
    ['no @', 'missing-at', 'pop.user.example.com'],
    ['empty local part', 'invalid-local-part', '@example.com'],
    ['empty domain', 'invalid-domain', 'pop.user@'],
    ['NUL inside', 'control-character', 'pop\u0000user@example.com'],
    ['CRLF header injection inside', 'control-character', 'pop.user@example.com\r\nBcc: victim@example.net'],
    ['DEL inside', 'control-character', 'pop\u007fuser@example.com'],
    ['Unicode line separator', 'control-character', 'pop\u2028user@example.com'],
    ['quoted local part', 'quoted-local-part', '"pop user"@example.com'],
    ['local part of 65 octets', 'local-part-too-long', `${'x'.repeat(65)}@example.com`],
    ['local part of 33 two-byte characters (66 octets)', 'local-part-too-long', `${'ø'.repeat(33)}@example.com`],
    ['address of 255 characters', 'too-long', `${'x'.repeat(64)}@${DOMAIN_189}x`],
    ['leading dot in the local part', 'invalid-local-part', '.pop@example.com'],
    ['double dot in the local part', 'invalid-local-part', 'pop..user@example.com'],
    ['space in the local part', 'invalid-local-part', 'pop user@example.com'],
    ['single-label domain', 'invalid-domain', 'root@localhost'],
    ['IP literal', 'invalid-domain', 'root@[127.0.0.1]'],
    ['dotted IPv4 domain', 'invalid-domain', 'root@127.0.0.1'],
    ['underscore in the domain', 'invalid-domain', 'pop@exa_mple.com'],
    ['label starting with "-"', 'invalid-domain', 'pop@-example.com'],
    ['empty label', 'invalid-domain', 'pop@example..com'],
    ['two trailing dots', 'invalid-domain', 'pop@example.com..'],
    ['label of 64 characters', 'invalid-domain', `pop@${'a'.repeat(64)}.com`],
    ['path characters in the domain', 'invalid-domain', 'pop@example.com/evil'],
    ['port in the domain', 'invalid-domain', 'pop@example.com:25'],
  ])('%s › failure: %s', (_label, expected, input) => {
    expect(refusal(input)).toBe(expected);
  });
});

describe('parseDomainName', () => {
  test.each([
    ['example.com', 'example.com', 'example.com'],
    ['  Example.COM  ', 'example.com', 'example.com'],
    ['example.com.', 'example.com', 'example.com'],
    ['autoconfig.example.com', 'autoconfig.example.com', 'autoconfig.example.com'],
    ['bücher.example', 'xn--bcher-kva.example', 'bücher.example'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example', 'bücher.example'],
    ['ÆØÅ.no', 'xn--5cab8c.no', 'æøå.no'],
  ])('%j › success: ascii %s, unicode %s', (input, ascii, unicode) => {
    expect(parseDomainName(input)).toEqual({ ok: true, value: { ascii, unicode } });
  });

  test.each([
    '',
    '.',
    'localhost',
    'com',
    '127.0.0.1',
    '[::1]',
    'exa mple.com',
    'example.com\r\n.evil',
    'a..b',
    '-a.com',
    'a-.com',
    'user@example.com',
    `${'a'.repeat(250)}.com`,
  ])('%j › failure: invalid-domain', (input) => {
    expect(parseDomainName(input)).toEqual({ ok: false, error: 'invalid-domain' });
  });
});
