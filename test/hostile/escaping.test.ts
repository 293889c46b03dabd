import request from 'supertest';
import { parseEmailAddress } from '../../src/model/email-address';
import { exampleApp } from '../support/app';
import { MutableDirectory } from '../support/mutable-directory';
import {
  ADDRESS_REFUSED,
  autodiscoverErrorCodeOf,
  ENDPOINTS,
  expectErrorAnswer,
  expectNoInternals,
  isMobileSync,
  revealDisplayNames,
  type Endpoint,
} from '../support/hostile';
import type { TestResponse } from '../support/http';

/**
 * Request-derived values through every endpoint: addresses full of characters that mean something
 * in XML, plists, JSON, URLs or HTTP headers either come back intact from the client's own parser
 * or are refused cleanly; they are never echoed raw.
 */

const HOSTILE_NAME = `<b>"Ünïcødé" & 'Co' ]]> 😀 </b>`;
const directory = new MutableDirectory({
  domains: [
    { domain: 'example.com', defaultAccessType: 'pop' },
    { domain: 'example.org', defaultAccessType: 'business' },
    { domain: 'bücher.example', defaultAccessType: 'pop' },
    { domain: '例え.テスト', defaultAccessType: 'business' },
  ],
  accounts: [
    { address: 'named.pop@example.com', accessType: 'pop', displayName: HOSTILE_NAME },
    { address: 'named.business@example.org', accessType: 'business', displayName: HOSTILE_NAME },
  ],
});
const app = exampleApp({ directory });
const revealingApp = exampleApp({ directory, config: revealDisplayNames });

/** The Business Mail domains: the only ones the mobilesync schema answers with settings. */
const BUSINESS_DOMAINS = new Set(['example.org', 'xn--r8jz45g.xn--zckzah']);

async function send(endpoint: Endpoint, address: string, target = app): Promise<TestResponse> {
  const res = await endpoint.send(target, address);
  expect(res.status).toBeLessThan(500);
  return res;
}

/** Checks the answer parses back with the client's parser and carries `expected` intact. */
function expectCarries(endpoint: Endpoint, res: TestResponse, expected: string): void {
  expect(res.status).toBe(200);
  const domain = expected.slice(expected.lastIndexOf('@') + 1);
  if (isMobileSync(endpoint) && !BUSINESS_DOMAINS.has(domain)) {
    // POP access has no ActiveSync: the documented error, still a well-formed document.
    expect(autodiscoverErrorCodeOf(res)).toBe('501');
    return;
  }
  const answer = endpoint.read(res);
  if (answer.address !== null) expect(answer.address).toBe(expected);
  expectNoInternals(res.text);
}

const ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

/** Valid addresses whose characters mean something somewhere: each must come back as the parser normalised it. */
const ACCEPTED: readonly string[] = [
  `${ATEXT_SPECIALS}@example.com`,
  ...ATEXT_SPECIALS.split('').map((special) => `a${special}b@example.org`),
  "o'brien&co@example.com",
  'a%0d%0ab@example.com', // the literal text "%0d%0a": percent is atext; never decoded a second time
  'a&amp@example.com', // literal "&amp": must not come back as "&"
  'x&#64y@example.org', // literal "&#64": must not come back as "@"
  '{}|~@example.com',
  'jörg.müller@example.com',
  '用户@例え.テスト',
  '😀.smile@bücher.example',
  'kari@Bücher.Example',
  'kari@XN--BCHER-KVA.example',
  '  padded@example.com  ',
];

describe('escaping › valid addresses full of special characters come back intact from every endpoint', () => {
  for (const endpoint of ENDPOINTS) {
    test.each(ACCEPTED)(`${endpoint.name} › %s`, async (input) => {
      const parsed = parseEmailAddress(input);
      if (!parsed.ok) throw new Error(`test input ${input} should be valid: ${parsed.error}`);
      expectCarries(endpoint, await send(endpoint, input), parsed.value.address);
    });
  }
});

/** Addresses that try to break out of a format: refused, never echoed. Lone surrogates cannot cross HTTP (see test/property). */
const REFUSED: readonly string[] = [
  '<script>alert(1)</script>@example.com',
  'a<b@example.com',
  'a>b@example.com',
  'a"b@example.com',
  '"quoted local"@example.com',
  'a]]>b@example.com',
  '<![CDATA[x]]>@example.com',
  'a&amp;b@example.com', // ";" is not atext: refused, whatever the entity would mean
  'x&#64;y@example.org',
  'pop.user\r\nX-Injected: 1@example.com',
  'pop.user@example.com\r\nSet-Cookie: session=1',
  'pop.user\n@example.com',
  'a\u0000b@example.com',
  'a b@example.com',
  'a\u2028b@example.com',
  'a\uffffb@example.com',
  'pop.user@exa<mple.com',
  'pop.user@example.com"><x',
  'pop.user@example.com/../../etc/passwd',
  `${'a'.repeat(65)}@example.com`,
  `a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(60)}.com`,
];

describe('escaping › addresses that try to break out are refused cleanly everywhere', () => {
  for (const endpoint of ENDPOINTS) {
    test.each(REFUSED)(`${endpoint.name} › %j`, async (input) => {
      const res = await send(endpoint, input);
      expectErrorAnswer(endpoint, res, ADDRESS_REFUSED);
      expect(res.text).not.toContain(input.trim());
      expect(res.text).not.toMatch(/<script|<!\[CDATA\[x|X-Injected|Set-Cookie/);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.headers['x-injected']).toBeUndefined();
    });
  }
});

describe('escaping › quoted local parts are refused in words', () => {
  test.each(
    ENDPOINTS.filter((endpoint) => !endpoint.name.startsWith('POST')).map(
      (endpoint) => [endpoint.name, endpoint] as const,
    ),
  )('%s › "john doe"@example.com › the answer says quoted local parts are not supported', async (_name, endpoint) => {
    const res = await send(endpoint, '"john doe"@example.com');
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/quoted local parts .* are not supported/);
  });
});

describe('escaping › display names with markup and unicode, when config reveals them', () => {
  const carriers = ENDPOINTS.filter(
    (endpoint) => endpoint.name.startsWith('POST') || endpoint.name.includes('mobileconfig'),
  );
  for (const endpoint of carriers) {
    test.each(['named.pop@example.com', 'named.business@example.org'])(
      `${endpoint.name} › %s › the name comes back intact`,
      async (address) => {
        const res = await send(endpoint, address, revealingApp);
        if (isMobileSync(endpoint) && address.endsWith('example.com')) {
          expectCarries(endpoint, res, address);
          return;
        }
        const answer = endpoint.read(res);
        expect(answer.address).toBe(address);
        // Apple's profile carries the name only in the POP payload (EAS has no name key).
        if (endpoint.name.includes('mobileconfig') && address.endsWith('example.org'))
          expect(answer.displayNames).toEqual([]);
        else expect(answer.displayNames).toEqual([HOSTILE_NAME]);
        expect(res.text).not.toContain(HOSTILE_NAME);
      },
    );
  }
});

describe('escaping › HTTP headers', () => {
  test.each([
    ['pop.user@example.com', 'example.com'],
    ['kari@bücher.example', 'xn--bcher-kva.example'],
    ["a'&%0d%0a@example.com", 'example.com'],
  ])(
    'mobileconfig for %s › one Content-Disposition, the file name from the ASCII domain, no CR/LF',
    async (address, domain) => {
      const res = await request(app).get(`/mobileconfig?emailaddress=${encodeURIComponent(address)}`);
      expect(res.status).toBe(200);
      // Node keeps only the first of repeated Content-Disposition headers; the raw list shows them all.
      const rawHeaders = (res as TestResponse & { res?: { rawHeaders?: readonly string[] } }).res?.rawHeaders ?? [];
      expect(rawHeaders.length).toBeGreaterThan(0);
      expect(
        rawHeaders.filter((name, index) => index % 2 === 0 && name.toLowerCase() === 'content-disposition'),
      ).toHaveLength(1);
      // RFC 6266: a token needs no quotes (content-disposition writes `filename=example.com.mobileconfig`).
      expect(res.headers['content-disposition']).toMatch(
        new RegExp(`^attachment; filename=("?)${domain.replaceAll('.', '\\.')}\\.mobileconfig\\1$`),
      );
      expect(res.headers['content-disposition']).not.toMatch(/[\r\n]/);
    },
  );

  test('a hostile X-Request-Id is replaced, a plain one kept', async () => {
    const hostile = await request(app).get('/healthz').set('X-Request-Id', '<script>"\'&');
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const plain = await request(app).get('/healthz').set('X-Request-Id', 'trace-1.2_3');
    expect(plain.headers['x-request-id']).toBe('trace-1.2_3');
  });

  test.each(['<script>"\'&]]>', 'Ews\r\nX-Injected: 1', 'AutodiscoverV1 😀', '%0d%0a', '\u0000'])(
    'JSON Protocol=%j › 400 InvalidProtocol whose message JSON.parse gives back with the value intact',
    async (protocol) => {
      const res = await request(app).get(
        `/autodiscover/autodiscover.json?Email=pop.user%40example.com&Protocol=${encodeURIComponent(protocol)}`,
      );
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-injected']).toBeUndefined();
      const body: unknown = JSON.parse(res.text);
      expect(body).toEqual({
        ErrorCode: 'InvalidProtocol',
        ErrorMessage: expect.stringContaining(`'${protocol}'`) as unknown,
      });
    },
  );
});
