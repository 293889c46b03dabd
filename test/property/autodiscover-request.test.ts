import fc from 'fast-check';
import { parseEmailAddress } from '../../src/model/email-address';
import { parseAutodiscoverRequest, type ResponseSchema } from '../../src/protocols/autodiscover/parse-request';
import { MOBILESYNC_RESPONSE_SCHEMA, OUTLOOK_RESPONSE_SCHEMA } from '../../src/protocols/autodiscover/paths';
import {
  autodiscoverRequestBody,
  illegalXmlCharacter,
  MOBILESYNC_REQUEST_NS,
  OUTLOOK_REQUEST_NS,
} from '../support/hostile';
import { anyString, MARKUP_PIECES, RUNS, TRICKY_UNICODE, validAddress } from './arbitraries';

const schema = fc.constantFrom<ResponseSchema>('outlook', 'mobilesync');
const shape = fc
  .record({ prefix: fc.option(fc.constantFrom('a', 'm', 'ns1'), { nil: undefined }), schemaFirst: fc.boolean() })
  .map(({ prefix, schemaFirst }) => (prefix === undefined ? { schemaFirst } : { prefix, schemaFirst }));

/** A real request for a generated valid address, written by the service's XML builder. */
const validRequest = fc
  .tuple(validAddress, schema, shape)
  .map(([address, wanted, form]) => autodiscoverRequestBody(address.address, wanted, form));

const XML_TOKENS = [
  ...MARKUP_PIECES,
  ...TRICKY_UNICODE,
  '</',
  '/>',
  '<?xml version="1.0" encoding="utf-8"?>',
  '<!DOCTYPE Autodiscover [',
  '<!ENTITY x "pop.user@example.com">',
  '<!ENTITY % p SYSTEM "file:///etc/passwd">',
  ']>',
  '&x;',
  '&#0;',
  '&#xD800;',
  '&#x110000;',
  '&#xFFFF;',
  '&nbsp;',
  '<?pi data?>',
  'Autodiscover',
  'Request',
  'EMailAddress',
  'AcceptableResponseSchema',
  'LegacyDN',
  '<Autodiscover>',
  '<Request>',
  '<EMailAddress>',
  '</EMailAddress>',
  '</Request>',
  '</Autodiscover>',
  `xmlns="${OUTLOOK_REQUEST_NS}"`,
  `xmlns:a="${MOBILESYNC_REQUEST_NS}"`,
  'a:',
  ' ',
  '=',
  'pop.user@example.com',
  OUTLOOK_RESPONSE_SCHEMA,
  MOBILESYNC_RESPONSE_SCHEMA,
];

/** Token soup: mostly markup, some arbitrary text. */
const xmlSoup = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...XML_TOKENS) },
      { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

/** A valid request with one edit: a slice dropped, a token inserted, or a slice repeated. */
const mutatedRequest = fc
  .tuple(validRequest, fc.nat(), fc.nat(), fc.constantFrom(...XML_TOKENS), fc.constantFrom('drop', 'insert', 'repeat'))
  .map(([text, a, b, token, edit]) => {
    const [from, to] = [a % (text.length + 1), b % (text.length + 1)].sort((x, y) => x - y) as [number, number];
    if (edit === 'drop') return text.slice(0, from) + text.slice(to);
    if (edit === 'insert') return text.slice(0, from) + token + text.slice(from);
    return text.slice(0, to) + text.slice(from, to) + text.slice(to);
  });

/** Element trees with generated names, attributes and text, escaped or not. */
const { element } = fc.letrec((tie) => ({
  element: fc
    .tuple(
      fc.constantFrom(
        'Autodiscover',
        'Request',
        'EMailAddress',
        'a:EMailAddress',
        'AcceptableResponseSchema',
        'LegacyDN',
        'x',
        '__proto__',
        'constructor',
      ),
      fc.array(
        fc.tuple(
          fc.constantFrom('xmlns', 'xmlns:a', 'type', 'a', 'constructor'),
          fc.oneof(anyString, fc.constantFrom(OUTLOOK_REQUEST_NS, MOBILESYNC_REQUEST_NS)),
        ),
        { maxLength: 3 },
      ),
      fc.array(
        fc.oneof(
          { weight: 2, arbitrary: fc.oneof(anyString, fc.constantFrom(...XML_TOKENS)) },
          { weight: 1, arbitrary: tie('element') },
        ),
        { maxLength: 4 },
      ),
    )
    .map(([name, attributes, children]) => {
      const attributeText = attributes.map(([key, value]) => ` ${key}="${value.replaceAll('"', '&quot;')}"`).join('');
      return `<${name}${attributeText}>${(children as string[]).join('')}</${name}>`;
    }),
}));

/** Raw (unescaped) EMailAddress text: address pieces with entity and character references spliced in. */
const GOOD_REFERENCES = ['&amp;', '&apos;', '&#64;', '&#x40;', '&#xE9;', '&#x1F600;', '&#233;'];
const BAD_REFERENCES = [
  '&foo;',
  '&nbsp;',
  '&#0;',
  '&#1;',
  '&#xD800;',
  '&#xDFFF;',
  '&#xFFFE;',
  '&#xFFFF;',
  '&#x110000;',
  '&#99999999999;',
  '&#x;',
  '&#;',
];
const rawAddressText = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('pop', '.', 'user', 'x') },
      { weight: 1, arbitrary: fc.constantFrom(...GOOD_REFERENCES, ...BAD_REFERENCES) },
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) => `${parts.join('')}@example.com`);
const requestWithRawAddress = (raw: string): string =>
  autodiscoverRequestBody('PLACEHOLDER@example.com', 'outlook').replace('PLACEHOLDER@example.com', raw);

const xmlish = fc.oneof(xmlSoup, mutatedRequest, element, anyString, rawAddressText.map(requestWithRawAddress));

describe('parseAutodiscoverRequest › properties', () => {
  test('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        expect(typeof parseAutodiscoverRequest(bytes).ok).toBe('boolean');
      }),
      { numRuns: RUNS },
    );
  });

  test('never throws on XML-ish documents (token soup, one-edit mutations of real requests, generated trees, any string)', () => {
    fc.assert(
      fc.property(
        xmlish,
        fc.constantFrom('utf8', 'utf16le', 'latin1') as fc.Arbitrary<BufferEncoding>,
        (text, encoding) => {
          expect(typeof parseAutodiscoverRequest(Buffer.from(text, encoding)).ok).toBe('boolean');
        },
      ),
      { numRuns: RUNS * 3 },
    );
  });

  test('an accepted request never came with a DOCTYPE or entity declaration, and yields only XML characters', () => {
    fc.assert(
      fc.property(xmlish, (text) => {
        const result = parseAutodiscoverRequest(Buffer.from(text, 'utf8'));
        if (!result.ok) return;
        expect(text).not.toMatch(/<!DOCTYPE|<!ENTITY/i);
        expect(illegalXmlCharacter(result.value.emailAddress)).toBeNull();
      }),
      { numRuns: RUNS * 3 },
    );
  });

  test('round trip: a valid address in a well-formed request (escaped by the builder) parses back to the same address', () => {
    fc.assert(
      fc.property(validAddress, schema, shape, (address, wanted, form) => {
        const result = parseAutodiscoverRequest(
          Buffer.from(autodiscoverRequestBody(address.address, wanted, form), 'utf8'),
        );
        expect(result).toEqual({ ok: true, value: { schema: wanted, emailAddress: address.address } });
        const again = parseEmailAddress(result.ok ? result.value.emailAddress : '');
        expect(again).toEqual({ ok: true, value: address });
      }),
      { numRuns: RUNS },
    );
  });

  test('references in the address: only the five XML entities and references to XML characters are read; any other is refused', () => {
    fc.assert(
      fc.property(rawAddressText, (raw) => {
        const result = parseAutodiscoverRequest(Buffer.from(requestWithRawAddress(raw), 'utf8'));
        if (BAD_REFERENCES.some((reference) => raw.includes(reference))) {
          expect(result).toEqual({
            ok: false,
            error: { kind: 'invalid-request', reason: expect.any(String) as unknown },
          });
        } else {
          const decoded = raw.replace(
            /&#x([0-9a-f]+);|&#([0-9]+);|&(amp|apos);/gi,
            (_m, hex: string | undefined, dec: string | undefined, name: string | undefined) =>
              name === undefined
                ? String.fromCodePoint(hex === undefined ? Number(dec) : parseInt(hex, 16))
                : name === 'amp'
                  ? '&'
                  : "'",
          );
          expect(result).toEqual({ ok: true, value: { schema: 'outlook', emailAddress: decoded } });
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('a DOCTYPE in front of any valid request is refused', () => {
    fc.assert(
      fc.property(
        validRequest,
        fc.constantFrom(
          '<!DOCTYPE Autodiscover>',
          '<!doctype x [<!ENTITY e "v">]>',
          '<!DOCTYPE a SYSTEM "file:///etc/passwd">',
        ),
        (text, doctype) => {
          const withDoctype = text.replace(/^(<\?xml[^>]*\?>)/, `$1${doctype}`);
          expect(parseAutodiscoverRequest(Buffer.from(withDoctype, 'utf8'))).toEqual({
            ok: false,
            error: { kind: 'invalid-request', reason: expect.any(String) as unknown },
          });
        },
      ),
      { numRuns: RUNS / 3 },
    );
  });
});
