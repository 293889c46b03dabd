import type { Express } from 'express';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import plist from 'plist';
import request from 'supertest';
import type { AppConfig } from '../../src/config/schema';
import type { ResponseSchema } from '../../src/protocols/autodiscover/parse-request';
import { MOBILESYNC_RESPONSE_SCHEMA, OUTLOOK_RESPONSE_SCHEMA } from '../../src/protocols/autodiscover/paths';
import { renderXmlDocument } from '../../src/xml/render-xml-document';
import { isRecord, nodeAt } from './documents';
import { AUTODISCOVER_XML, type TestResponse } from './http';

/**
 * Helpers for the hostile-input suites (test/hostile, test/property): requests written by the
 * service's own XML builder, and answers read back strictly, the way a picky client would.
 */

export const OUTLOOK_REQUEST_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
export const MOBILESYNC_REQUEST_NS = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006';

export interface RequestShape {
  /** Element prefix (`a:Autodiscover` with `xmlns:a`); default namespace when absent. */
  readonly prefix?: string;
  /** AcceptableResponseSchema before EMailAddress, as some clients send it. */
  readonly schemaFirst?: boolean;
}

/**
 * An Autodiscover request for `address`, every value escaped by the service's own XML writer.
 * Characters XML cannot carry (NUL, U+FFFF) are written raw, as a hostile client would send them:
 * the writer itself would turn them into U+FFFD.
 */
export function autodiscoverRequestBody(address: string, schema: ResponseSchema, shape: RequestShape = {}): string {
  // Through the writer as plane-15 private-use characters (which it leaves alone), then back.
  const hidden = Array.from(address, (char) =>
    ILLEGAL_XML_CHARACTER.test(char) ? String.fromCodePoint(0xf0000 + (char.codePointAt(0) ?? 0)) : char,
  ).join('');
  return buildRequest(hidden, schema, shape).replace(/[\u{f0000}-\u{fffff}]/gu, (char) =>
    String.fromCharCode((char.codePointAt(0) ?? 0) - 0xf0000),
  );
}

function buildRequest(address: string, schema: ResponseSchema, shape: RequestShape): string {
  const p = shape.prefix === undefined ? '' : `${shape.prefix}:`;
  const namespace = schema === 'outlook' ? OUTLOOK_REQUEST_NS : MOBILESYNC_REQUEST_NS;
  const responseSchema = schema === 'outlook' ? OUTLOOK_RESPONSE_SCHEMA : MOBILESYNC_RESPONSE_SCHEMA;
  const email = [`${p}EMailAddress`, address] as const;
  const accept = [`${p}AcceptableResponseSchema`, responseSchema] as const;
  const children = Object.fromEntries(shape.schemaFirst === true ? [accept, email] : [email, accept]);
  return renderXmlDocument({
    [`${p}Autodiscover`]: {
      [shape.prefix === undefined ? '@_xmlns' : `@_xmlns:${shape.prefix}`]: namespace,
      [`${p}Request`]: children,
    },
  });
}

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. A lone
// surrogate is matched as one code point under the `u` flag, so it falls outside every range.
// eslint-disable-next-line no-control-regex -- the XML 1.0 Char production names tab, LF and CR
const ILLEGAL_XML_CHARACTER = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/** `text` as an XML answer can carry it: each character XML 1.0 forbids replaced by U+FFFD. */
export function asXmlCarriesIt(text: string): string {
  return Array.from(text, (char) => (ILLEGAL_XML_CHARACTER.test(char) ? '\ufffd' : char)).join('');
}

/**
 * A text as the plist package reads it back from a profile: xmldom (under plist.parse) turns U+0085,
 * U+2028 and U+2029 into line feeds, XML 1.1's line-end rule, in XML 1.0 documents too. The profile's
 * bytes keep them, and so does Apple's parser, which follows XML 1.0 here.
 */
export function asPlistReadsIt(text: string): string {
  return asXmlCarriesIt(text).replace(/[\u0085\u2028\u2029]/gu, '\n');
}

/** The first character XML 1.0 forbids (fast-xml-parser's validator does not look), or null. */
export function illegalXmlCharacter(text: string): string | null {
  const match = ILLEGAL_XML_CHARACTER.exec(text);
  return match === null
    ? null
    : `U+${(match[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} at ${match.index}`;
}

const strictParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  // Values come back exactly as written: a display name's own spaces are data.
  trimValues: false,
  processEntities: true,
});

/**
 * One well-formed UTF-8 XML document: declaration first (no BOM), validator happy, only characters
 * XML 1.0 allows. Returns the parsed tree, text kept untrimmed.
 */
export function readXml(text: string): unknown {
  if (!text.startsWith('<?xml'))
    throw new Error(`the document does not start with "<?xml": ${JSON.stringify(text.slice(0, 40))}`);
  const illegal = illegalXmlCharacter(text);
  if (illegal !== null) throw new Error(`character XML 1.0 forbids (${illegal}) in:\n${text}`);
  const validation = XMLValidator.validate(text);
  if (validation !== true)
    throw new Error(`not well-formed XML (${validation.err.code}: ${validation.err.msg}):\n${text}`);
  return strictParser.parse(text);
}

/** A plist parsed back by the `plist` package, after the same character check as XML. */
export function readPlist(text: string): unknown {
  if (!text.startsWith('<?xml')) throw new Error('the profile does not start with "<?xml"');
  const illegal = illegalXmlCharacter(text);
  if (illegal !== null) throw new Error(`character XML 1.0 forbids (${illegal}) in the profile`);
  return plist.parse(text);
}

/** Text of an element read by readXml: the string, or `#text` when it carries attributes. */
export function xmlText(document: unknown, path: string): string {
  const node = nodeAt(document, path);
  if (typeof node === 'string') return node;
  if (isRecord(node) && typeof node['#text'] === 'string') return node['#text'];
  throw new Error(`${path} is not text: ${JSON.stringify(node)}`);
}

/** `Autodiscover/Response/Error/ErrorCode` of a well-formed Autodiscover error answer. */
export function autodiscoverErrorCodeOf(res: TestResponse): string {
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  return xmlText(readXml(res.text), 'Autodiscover/Response/Error/ErrorCode');
}

/** No stack frame, no error class, no framework page, no file content in an answer. */
export function expectNoInternals(body: string): void {
  expect(body).not.toMatch(/\bat \S+ \(|\bat .+:\d+:\d+/);
  expect(body).not.toMatch(/\b[A-Z][A-Za-z]*Error:/);
  expect(body).not.toMatch(/node_modules|\.ts:\d+|\/src\//);
  expect(body).not.toMatch(/<html|<body|<!DOCTYPE html/i);
  expect(body).not.toMatch(/root:.*:0:0:|\/bin\/(ba)?sh/);
}

/** What a discovery endpoint's answer says, read back with the client's own kind of parser. */
export interface Answer {
  /** The mailbox address the answer carries, or null when its format carries none. */
  readonly address: string | null;
  /** Every display name the answer carries (none unless config reveals them). */
  readonly displayNames: readonly string[];
}

type Headers = Readonly<Record<string, string>>;

/** One discovery endpoint: how to ask it about an address, and how to read its 200 answer. */
export interface Endpoint {
  readonly name: string;
  readonly send: (app: Express, address: string, headers?: Headers) => Promise<TestResponse>;
  /** Throws unless the answer is a well-formed document of the endpoint's format. */
  readonly read: (res: TestResponse) => Answer;
}

function withHeaders(test: request.Test, headers: Headers): request.Test {
  let result = test;
  for (const [name, value] of Object.entries(headers)) result = result.set(name, value);
  return result;
}

function get(app: Express, url: string, headers: Headers = {}): Promise<TestResponse> {
  return withHeaders(request(app).get(url), headers).then((res) => res);
}

function postRequest(app: Express, body: string, headers: Headers = {}): Promise<TestResponse> {
  return withHeaders(request(app).post(AUTODISCOVER_XML).type('text/xml; charset=utf-8'), headers)
    .send(Buffer.from(body, 'utf8'))
    .then((res) => res);
}

/**
 * superagent runs a Buffer body through its JSON or form serializer when the Content-Type names
 * one of those (sending `{"type":"Buffer","data":[…]}`); this passes the bytes on untouched.
 * Its typing says a serializer returns a string; Node's http writes a Buffer as it is.
 */
const bytesAsTheyAre = (body: Buffer): string => body as unknown as string;

/** POSTs exactly these bytes to the Autodiscover path, whatever the Content-Type header says. */
export function postBytes(app: Express, body: Buffer, headers: Headers = {}): Promise<TestResponse> {
  return withHeaders(request(app).post(AUTODISCOVER_XML), headers)
    .serialize(bytesAsTheyAre)
    .send(body)
    .then((res) => res);
}

function optionalText(document: unknown, path: string): string[] {
  try {
    return [xmlText(document, path)];
  } catch {
    return [];
  }
}

function readAutodiscover(res: TestResponse, userPath: string, addressElement: string): Answer {
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  const document = readXml(res.text);
  return {
    address: xmlText(document, `${userPath}/${addressElement}`),
    displayNames: optionalText(document, `${userPath}/DisplayName`),
  };
}

function readJson(res: TestResponse): Answer {
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  const body: unknown = JSON.parse(res.text);
  expect(body).toEqual({ Protocol: 'AutodiscoverV1', Url: expect.stringMatching(/^https:\/\//) as unknown });
  return { address: null, displayNames: [] };
}

function readAutoconfig(res: TestResponse): Answer {
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  const document = readXml(res.text);
  return { address: xmlText(document, 'clientConfig/emailProvider/incomingServer[0]/username'), displayNames: [] };
}

function readProfile(res: TestResponse): Answer {
  expect(res.headers['content-type']).toBe('application/x-apple-aspen-config');
  const profile = readPlist(res.text);
  const payload = nodeAt(profile, 'PayloadContent[0]');
  if (!isRecord(payload) || typeof payload['EmailAddress'] !== 'string')
    throw new Error(`no EmailAddress in ${JSON.stringify(payload)}`);
  const name = payload['EmailAccountName'];
  return { address: payload['EmailAddress'], displayNames: typeof name === 'string' ? [name] : [] };
}

const query = (address: string): string => encodeURIComponent(address);

/** Every discovery endpoint. The mobilesync one answers settings only for Business Mail. */
export const ENDPOINTS: readonly Endpoint[] = [
  {
    name: 'POST autodiscover.xml (outlook schema)',
    send: (app, address, headers) => postRequest(app, autodiscoverRequestBody(address, 'outlook'), headers),
    read: (res) => readAutodiscover(res, 'Autodiscover/Response/User', 'AutoDiscoverSMTPAddress'),
  },
  {
    name: 'POST autodiscover.xml (mobilesync schema)',
    send: (app, address, headers) => postRequest(app, autodiscoverRequestBody(address, 'mobilesync'), headers),
    read: (res) => readAutodiscover(res, 'Autodiscover/Response/User', 'EMailAddress'),
  },
  {
    name: 'GET autodiscover.json/v1.0/{address}',
    send: (app, address, headers) =>
      get(app, `/autodiscover/autodiscover.json/v1.0/${query(address)}?Protocol=AutodiscoverV1`, headers),
    read: readJson,
  },
  {
    name: 'GET autodiscover.json?Email=',
    send: (app, address, headers) =>
      get(app, `/autodiscover/autodiscover.json?Email=${query(address)}&Protocol=AutodiscoverV1`, headers),
    read: readJson,
  },
  ...['/mail/config-v1.1.xml', '/.well-known/autoconfig/mail/config-v1.1.xml', '/v1.1/mail/config-v1.1.xml'].map(
    (path): Endpoint => ({
      name: `GET ${path}`,
      send: (app, address, headers) => get(app, `${path}?emailaddress=${query(address)}`, headers),
      read: readAutoconfig,
    }),
  ),
  {
    name: 'GET /mobileconfig',
    send: (app, address, headers) => get(app, `/mobileconfig?emailaddress=${query(address)}`, headers),
    read: readProfile,
  },
];

export const isAutodiscoverXml = (endpoint: Endpoint): boolean => endpoint.name.startsWith('POST autodiscover.xml');
export const isMobileSync = (endpoint: Endpoint): boolean => endpoint.name.includes('mobilesync');

/** An endpoint's error answer: an Autodiscover error document (HTTP 200), a JSON error, or plain text. */
export interface ErrorAnswer {
  readonly autodiscoverCode: string;
  /** HTTP status of the JSON and plain-text forms. */
  readonly status: number;
  readonly jsonErrorCode: string;
}

export function expectErrorAnswer(endpoint: Endpoint, res: TestResponse, expected: ErrorAnswer): void {
  if (isAutodiscoverXml(endpoint)) {
    expect(res.status).toBe(200);
    expect(autodiscoverErrorCodeOf(res)).toBe(expected.autodiscoverCode);
  } else if (endpoint.name.includes('autodiscover.json')) {
    expect(res.status).toBe(expected.status);
    expect(JSON.parse(res.text)).toEqual({
      ErrorCode: expected.jsonErrorCode,
      ErrorMessage: expect.any(String) as unknown,
    });
  } else {
    expect(res.status).toBe(expected.status);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  }
  expectNoInternals(res.text);
}

/** An address the parser rejects: 600 / InvalidUser / 400, and the answer never contains the input. */
export const ADDRESS_REFUSED: ErrorAnswer = { autodiscoverCode: '600', status: 400, jsonErrorCode: 'InvalidUser' };
/** A domain not hosted here. */
export const NOT_FOUND: ErrorAnswer = { autodiscoverCode: '500', status: 404, jsonErrorCode: 'UserNotFound' };

/** Config patch: directory display names shown to anonymous callers. */
export const revealDisplayNames = (config: AppConfig): AppConfig => ({
  ...config,
  privacy: { ...config.privacy, revealDisplayNames: true },
});
