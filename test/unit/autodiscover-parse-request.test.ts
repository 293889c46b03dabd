import { parseAutodiscoverRequest } from '../../src/protocols/autodiscover/parse-request';
import { requestFixture } from '../support/documents';

const OUTLOOK_RESPONSE = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

/** The kind of problem, or the parsed request. */
function outcome(body: Uint8Array): unknown {
  const result = parseAutodiscoverRequest(body);
  return result.ok ? result.value : { kind: result.error.kind };
}

describe('parseAutodiscoverRequest › real client bodies (test/fixtures/requests)', () => {
  test.each([
    ['outlook-desktop-crlf.xml', 'outlook', 'pop.user@example.com'],
    ['thunderbird-single-line.xml', 'outlook', 'business.user@example.com'],
    ['activesync-mobilesync-schema.xml', 'mobilesync', 'business.user@example.com'],
    ['acceptable-response-schema-before-email.xml', 'outlook', 'pop.user@example.com'],
    ['prefixed-namespace.xml', 'outlook', 'business.user@example.com'],
    ['mobilesync-namespace-without-schema.xml', 'mobilesync', 'business.user@example.com'],
    ['prefixed-mobilesync-namespace-without-schema.xml', 'mobilesync', 'business.user@example.com'],
    ['character-reference-in-address.xml', 'outlook', 'pop.user@example.com'],
  ])('%s › success: schema %s, address %s', (fixture, schema, address) => {
    const result = parseAutodiscoverRequest(requestFixture(fixture));
    if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
    expect(result.value.schema).toBe(schema);
    expect(result.value.emailAddress.trim()).toBe(address);
  });

  test('legacy-dn-only.xml › failure: legacy-dn-only, with the schema asked for', () => {
    expect(parseAutodiscoverRequest(requestFixture('legacy-dn-only.xml'))).toEqual({
      ok: false,
      error: { kind: 'legacy-dn-only', schema: 'outlook' },
    });
  });

  test('unknown-response-schema.xml › failure: unsupported-schema naming the URI', () => {
    const result = parseAutodiscoverRequest(requestFixture('unknown-response-schema.xml'));
    expect(result).toEqual({
      ok: false,
      error: {
        kind: 'unsupported-schema',
        schema: 'http://schemas.microsoft.com/exchange/autodiscover/mapi/responseschema/2006',
      },
    });
  });

  test('doctype-entity-expansion.xml › failure: invalid-request (no DTD, no XXE)', () => {
    expect(outcome(requestFixture('doctype-entity-expansion.xml'))).toEqual({ kind: 'invalid-request' });
  });
});

describe('parseAutodiscoverRequest › encodings', () => {
  test('UTF-8 BOM before the declaration › success', () => {
    const result = parseAutodiscoverRequest(Buffer.concat([UTF8_BOM, requestFixture('outlook-desktop-crlf.xml')]));
    expect(result.ok && result.value.emailAddress.trim()).toBe('pop.user@example.com');
  });

  test('UTF-8 local part › success: kept as Unicode', () => {
    const body = bytes(
      `<Autodiscover><Request><EMailAddress>jørgen@example.com</EMailAddress></Request></Autodiscover>`,
    );
    expect(outcome(body)).toEqual({ schema: 'outlook', emailAddress: 'jørgen@example.com' });
  });

  test.each([
    [
      'UTF-16LE with BOM',
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from(requestFixture('outlook-desktop-crlf.xml').toString('utf8'), 'utf16le'),
      ]),
    ],
    ['UTF-16LE without BOM', Buffer.from(requestFixture('outlook-desktop-crlf.xml').toString('utf8'), 'utf16le')],
    [
      'UTF-16BE with BOM',
      Buffer.concat([
        Buffer.from([0xfe, 0xff]),
        Buffer.from(requestFixture('outlook-desktop-crlf.xml').toString('utf8'), 'utf16le').swap16(),
      ]),
    ],
    [
      'invalid UTF-8 (Latin-1 bytes)',
      Buffer.from(
        '<Autodiscover><Request><EMailAddress>j\xf8rgen@example.com</EMailAddress></Request></Autodiscover>',
        'latin1',
      ),
    ],
  ])('%s › failure: invalid-request', (_label, body) => {
    expect(outcome(body)).toEqual({ kind: 'invalid-request' });
  });
});

describe('parseAutodiscoverRequest › the root namespace must be a request schema', () => {
  const requestIn = (namespace: string): Buffer =>
    bytes(
      `<Autodiscover xmlns="${namespace}"><Request><EMailAddress>a@example.com</EMailAddress>` +
        `<AcceptableResponseSchema>${OUTLOOK_RESPONSE}</AcceptableResponseSchema></Request></Autodiscover>`,
    );

  test.each([
    ['a response schema (outlook 2006a)', OUTLOOK_RESPONSE],
    ['the response envelope', 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006'],
    ['mobilesync response', 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006'],
    ['another host', 'http://schemas.example.com/exchange/autodiscover/outlook/requestschema/2006'],
  ])('%s › failure: invalid-request (ErrorCode 600)', (_label, namespace) => {
    expect(outcome(requestIn(namespace))).toEqual({ kind: 'invalid-request' });
  });

  test('the outlook request schema › success', () => {
    expect(outcome(requestIn('http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006'))).toEqual(
      { schema: 'outlook', emailAddress: 'a@example.com' },
    );
  });
});

describe('parseAutodiscoverRequest › structure', () => {
  test('no AcceptableResponseSchema, no namespace › success: outlook schema', () => {
    expect(
      outcome(bytes('<Autodiscover><Request><EMailAddress>a@example.com</EMailAddress></Request></Autodiscover>')),
    ).toEqual({
      schema: 'outlook',
      emailAddress: 'a@example.com',
    });
  });

  test('element names in another case and an attribute on EMailAddress › success', () => {
    const body = bytes(
      `<autodiscover><request><emailaddress type="smtp">a@example.com</emailaddress></request></autodiscover>`,
    );
    expect(outcome(body)).toEqual({ schema: 'outlook', emailAddress: 'a@example.com' });
  });

  test('CDATA address and unknown sibling elements › success', () => {
    const body = bytes(
      `<Autodiscover><Request><Extra>1</Extra><EMailAddress><![CDATA[a@example.com]]></EMailAddress><AcceptableResponseSchema>${OUTLOOK_RESPONSE}</AcceptableResponseSchema></Request></Autodiscover>`,
    );
    expect(outcome(body)).toEqual({ schema: 'outlook', emailAddress: 'a@example.com' });
  });

  test('&amp;#64; stays the literal text "&#64;" › success: decoded once, not twice', () => {
    const body = bytes(
      `<Autodiscover><Request><EMailAddress>a&amp;#64;b@example.com</EMailAddress></Request></Autodiscover>`,
    );
    expect(outcome(body)).toEqual({ schema: 'outlook', emailAddress: 'a&#64;b@example.com' });
  });

  test('EMailAddress and LegacyDN both present › success: the address is used', () => {
    const body = bytes(
      `<Autodiscover><Request><EMailAddress>a@example.com</EMailAddress><LegacyDN>/o=x/cn=a</LegacyDN></Request></Autodiscover>`,
    );
    expect(outcome(body)).toEqual({ schema: 'outlook', emailAddress: 'a@example.com' });
  });

  test.each([
    ['empty body', ''],
    ['whitespace', ' \r\n\t'],
    ['text, not XML', 'emailaddress=a@example.com'],
    ['unclosed element', '<Autodiscover><Request><EMailAddress>a@example.com</Request></Autodiscover>'],
    ['wrong root element', '<Discover><Request><EMailAddress>a@example.com</EMailAddress></Request></Discover>'],
    ['no Request element', '<Autodiscover><EMailAddress>a@example.com</EMailAddress></Autodiscover>'],
    [
      'no EMailAddress',
      `<Autodiscover><Request><AcceptableResponseSchema>${OUTLOOK_RESPONSE}</AcceptableResponseSchema></Request></Autodiscover>`,
    ],
    ['empty EMailAddress', '<Autodiscover><Request><EMailAddress>  </EMailAddress></Request></Autodiscover>'],
    [
      'EMailAddress with child elements',
      '<Autodiscover><Request><EMailAddress><b>a@example.com</b></EMailAddress></Request></Autodiscover>',
    ],
    [
      'DOCTYPE without entities',
      '<?xml version="1.0"?><!DOCTYPE Autodiscover><Autodiscover><Request><EMailAddress>a@example.com</EMailAddress></Request></Autodiscover>',
    ],
    [
      'lower-case doctype',
      '<!doctype x><Autodiscover><Request><EMailAddress>a@example.com</EMailAddress></Request></Autodiscover>',
    ],
    ['nesting deeper than any real request', `${'<x>'.repeat(100)}${'</x>'.repeat(100)}`],
  ])('%s › failure: invalid-request', (_label, text) => {
    expect(outcome(bytes(text))).toEqual({ kind: 'invalid-request' });
  });

  test.each(['', 'http://example.com/other/responseschema', 'urn:mapi'])(
    'AcceptableResponseSchema %j › failure: unsupported-schema',
    (schema) => {
      const body = bytes(
        `<Autodiscover><Request><EMailAddress>a@example.com</EMailAddress><AcceptableResponseSchema>${schema}</AcceptableResponseSchema></Request></Autodiscover>`,
      );
      expect(outcome(body)).toEqual({ kind: 'unsupported-schema' });
    },
  );
});
