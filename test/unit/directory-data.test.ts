import type { AccountQuery, DirectoryAnswer } from '../../src/directory/account-directory';
import { applyDomainDefault } from '../../src/directory/apply-domain-default';
import { parseDirectoryData, recordsFromData, type DirectoryData } from '../../src/directory/directory-data';

/** What the file directory answers from loaded data. */
const answerFromData = (data: DirectoryData, query: AccountQuery): DirectoryAnswer =>
  applyDomainDefault(query, recordsFromData(data, query));

const SOURCE = 'accounts.json';

function data(input: unknown): DirectoryData {
  const result = parseDirectoryData(SOURCE, input);
  if (!result.ok) throw new Error(`refused:\n${result.error.join('\n')}`);
  return result.value;
}

function problems(input: unknown): string[] {
  const result = parseDirectoryData(SOURCE, input);
  if (result.ok) throw new Error('accepted');
  return result.error;
}

const EXAMPLE = {
  domains: [
    { domain: 'example.com', defaultAccessType: 'pop' },
    { domain: 'Example.ORG', defaultAccessType: 'business' },
    { domain: 'bücher.example', defaultAccessType: 'pop' },
  ],
  accounts: [
    { address: 'Business.User@example.com', accessType: 'business', displayName: 'Business User' },
    { address: 'kari@bücher.example', accessType: 'business' },
  ],
};

describe('parseDirectoryData › success', () => {
  const loaded = data(EXAMPLE);

  test('listed account › its own access type and display name', () => {
    expect(answerFromData(loaded, { domain: 'example.com', address: 'business.user@example.com' })).toEqual({
      hosted: true,
      accessType: 'business',
      mailbox: 'known',
      displayName: 'Business User',
    });
  });

  test('unlisted mailbox at a hosted domain › the domain default, marked unknown', () => {
    expect(answerFromData(loaded, { domain: 'example.org', address: 'nobody@example.org' })).toEqual({
      hosted: true,
      accessType: 'business',
      mailbox: 'unknown',
      displayName: null,
    });
  });

  test('domain only › the domain default, marked not-asked', () => {
    expect(answerFromData(loaded, { domain: 'example.com', address: null })).toEqual({
      hosted: true,
      accessType: 'pop',
      mailbox: 'not-asked',
      displayName: null,
    });
  });

  test('IDN domain and account › stored under the punycode form', () => {
    expect(
      answerFromData(loaded, { domain: 'xn--bcher-kva.example', address: 'kari@xn--bcher-kva.example' }),
    ).toMatchObject({
      hosted: true,
      accessType: 'business',
      mailbox: 'known',
    });
  });

  test('domain not listed › not hosted', () => {
    expect(answerFromData(loaded, { domain: 'foreign.test', address: 'a@foreign.test' })).toEqual({ hosted: false });
  });

  test('records › the domain entry and the address entry, nothing else', () => {
    expect(recordsFromData(loaded, { domain: 'example.com', address: 'business.user@example.com' })).toEqual({
      domain: { defaultAccessType: 'pop' },
      account: { accessType: 'business', displayName: 'Business User' },
    });
    expect(recordsFromData(loaded, { domain: 'example.com', address: 'nobody@example.com' })).toEqual({
      domain: { defaultAccessType: 'pop' },
      account: null,
    });
    expect(recordsFromData(loaded, { domain: 'example.com', address: null })).toEqual({
      domain: { defaultAccessType: 'pop' },
      account: null,
    });
    expect(recordsFromData(loaded, { domain: 'foreign.test', address: 'a@foreign.test' })).toEqual({
      domain: null,
      account: null,
    });
  });

  test('missing lists › an empty directory', () => {
    expect(data({}).domains.size).toBe(0);
  });
});

describe('parseDirectoryData › failure', () => {
  test('duplicate domain, in another case › named with its index', () => {
    const messages = problems({
      domains: [
        { domain: 'example.com', defaultAccessType: 'pop' },
        { domain: 'EXAMPLE.com.', defaultAccessType: 'business' },
      ],
    });
    expect(messages).toEqual([
      expect.stringMatching(/^accounts\.json: domains\.1\.domain "EXAMPLE\.com\." is listed twice/),
    ]);
  });

  test('duplicate domain in Unicode and punycode › named', () => {
    const messages = problems({
      domains: [
        { domain: 'bücher.example', defaultAccessType: 'pop' },
        { domain: 'xn--bcher-kva.example', defaultAccessType: 'pop' },
      ],
    });
    expect(messages).toEqual([expect.stringContaining('domains.1.domain')]);
  });

  test('account in a domain not listed › named, with the fix', () => {
    const messages = problems({
      domains: [{ domain: 'example.com', defaultAccessType: 'pop' }],
      accounts: [{ address: 'a@example.net', accessType: 'pop' }],
    });
    expect(messages).toEqual([
      expect.stringMatching(/accounts\.0\.address "a@example\.net" is in a domain not listed under "domains"/),
    ]);
  });

  test('bad access type › the key and the allowed values named', () => {
    const messages = problems({
      domains: [{ domain: 'example.com', defaultAccessType: 'imap' }],
      accounts: [{ address: 'a@example.com', accessType: 'exchange' }],
    });
    expect(messages).toHaveLength(2);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /domains\.0\.defaultAccessType must be "pop" \(POP access\) or "business" \(Business Mail\).*"imap"/,
        ),
        expect.stringMatching(/accounts\.0\.accessType must be "pop".*"exchange"/),
      ]),
    );
  });

  test('duplicate address differing only in case › named as listed twice', () => {
    const messages = problems({
      domains: [{ domain: 'example.com', defaultAccessType: 'pop' }],
      accounts: [
        { address: 'pop.user@example.com', accessType: 'pop' },
        { address: 'POP.User@EXAMPLE.COM', accessType: 'business' },
      ],
    });
    expect(messages).toEqual([expect.stringMatching(/accounts\.1\.address "POP\.User@EXAMPLE\.COM" is listed twice/)]);
  });

  test('invalid domain and invalid address › both named, with the reason', () => {
    const messages = problems({
      domains: [{ domain: 'localhost', defaultAccessType: 'pop' }],
      accounts: [{ address: 'no-at-sign', accessType: 'pop' }],
    });
    expect(messages).toEqual([
      expect.stringMatching(/domains\.0\.domain must be a domain name.*"localhost"/),
      expect.stringMatching(/accounts\.0\.address "no-at-sign": .*"@"/),
    ]);
  });

  test('unknown key and control characters in a display name › named', () => {
    const messages = problems({
      domains: [{ domain: 'example.com', defaultAccessType: 'pop', note: 'x' }],
      accounts: [{ address: 'a@example.com', accessType: 'pop', displayName: 'Evil\r\nName' }],
    });
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/domains\.0 has unknown key\(s\) "note"/),
        expect.stringMatching(/accounts\.0\.displayName must not contain control characters/),
      ]),
    );
  });
});

describe('display names every output format can carry', () => {
  test.each([
    ['U+FFFE', 'Bad \uFFFE name'],
    ['U+FFFF', 'Bad \uFFFF name'],
    ['a lone surrogate', 'Bad \uD800 name'],
    ['a control character', 'Bad \u0007 name'],
  ])('%s in a display name › refused with the key named', (_label, name) => {
    const result = parseDirectoryData('accounts.json', {
      domains: [{ domain: 'example.com', defaultAccessType: 'pop' }],
      accounts: [{ address: 'jane@example.com', accessType: 'pop', displayName: name }],
    });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.join('\n')).toContain(
        'accounts.0.displayName must not contain control characters, lone surrogates or U+FFFE/U+FFFF',
      );
  });

  test('emoji and accents (well-formed surrogate pairs) › accepted', () => {
    const result = parseDirectoryData('accounts.json', {
      domains: [{ domain: 'example.com', defaultAccessType: 'pop' }],
      accounts: [{ address: 'jane@example.com', accessType: 'pop', displayName: 'Jané 😀 Müller' }],
    });
    expect(result.ok).toBe(true);
  });
});
