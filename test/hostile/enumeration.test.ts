import type { Express } from 'express';
import request from 'supertest';
import { exampleApp } from '../support/app';
import type { TestResponse } from '../support/http';
import { ENDPOINTS, expectErrorAnswer, NOT_FOUND, revealDisplayNames, type Endpoint } from '../support/hostile';
import { MutableDirectory } from '../support/mutable-directory';

/**
 * No enumeration oracle. config/accounts.json: example.com defaults to POP access and lists
 * pop.user (POP, "Pop User") and business.user (Business Mail, "Business User"); example.org
 * defaults to Business Mail and lists no one. A listed mailbox whose access type is its domain's
 * default must be answered exactly like a mailbox nobody listed.
 */

const exampleAccounts = exampleApp();

/** The same domains with nobody listed: the answer every address would get if mailboxes did not matter. */
const nobodyListed = exampleApp({
  directory: new MutableDirectory({
    domains: [
      { domain: 'example.com', defaultAccessType: 'pop' },
      { domain: 'example.org', defaultAccessType: 'business' },
    ],
  }),
});

/** example.org with one listed Business Mail account (the domain default), for the Business Mail pair. */
const businessListed = exampleApp({
  directory: new MutableDirectory({
    domains: [{ domain: 'example.org', defaultAccessType: 'business' }],
    accounts: [{ address: 'known.user@example.org', accessType: 'business', displayName: 'Known User' }],
  }),
});

interface Comparable {
  readonly status: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly body: string;
}

/** Everything a client sees, with the address itself (and what the profile derives from it) replaced. */
function comparable(res: TestResponse, address: string): Comparable {
  const at = address.lastIndexOf('@');
  const [local, domain] = [address.slice(0, at), address.slice(at + 1)];
  const body = res.text
    .replaceAll(address, '{address}')
    .replaceAll(`${local}_${domain}`, '{mobile username}')
    // Apple profile identifiers and UUIDs are derived from the address so a re-download replaces the profile.
    .replace(/[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/g, '{uuid}')
    .replace(new RegExp(`(autoconfig\\.${domain.replaceAll('.', '\\.')}\\.)[a-z0-9-]+`, 'g'), '$1{local}');
  const {
    'content-type': contentType,
    'cache-control': cacheControl,
    'content-disposition': disposition,
  } = res.headers as Record<string, unknown>;
  return { status: res.status, headers: { contentType, cacheControl, disposition }, body };
}

async function compare(
  endpoint: Endpoint,
  first: readonly [Express, string],
  second: readonly [Express, string],
): Promise<[Comparable, Comparable]> {
  const [a, b] = await Promise.all([endpoint.send(first[0], first[1]), endpoint.send(second[0], second[1])]);
  return [comparable(a, first[1]), comparable(b, second[1])];
}

describe('enumeration › a listed mailbox with its domain default answers like an unlisted one', () => {
  test.each(ENDPOINTS.map((endpoint) => [endpoint.name, endpoint] as const))(
    '%s › pop.user@example.com (listed) = nobody@example.com (unlisted), address aside',
    async (_name, endpoint) => {
      const [listed, unlisted] = await compare(
        endpoint,
        [exampleAccounts, 'pop.user@example.com'],
        [exampleAccounts, 'nobody@example.com'],
      );
      expect(listed.status).toBeLessThan(500);
      expect(listed).toEqual(unlisted);
    },
  );

  test.each(ENDPOINTS.map((endpoint) => [endpoint.name, endpoint] as const))(
    '%s › known.user@example.org (listed, Business Mail) = nobody@example.org, address aside',
    async (_name, endpoint) => {
      const [listed, unlisted] = await compare(
        endpoint,
        [businessListed, 'known.user@example.org'],
        [businessListed, 'nobody@example.org'],
      );
      expect(listed).toEqual(unlisted);
    },
  );

  test.each(ENDPOINTS.map((endpoint) => [endpoint.name, endpoint] as const))(
    '%s › pop.user@example.com, listed or not › byte-identical',
    async (_name, endpoint) => {
      const [listed, unlisted] = await Promise.all([
        endpoint.send(exampleAccounts, 'pop.user@example.com'),
        endpoint.send(nobodyListed, 'pop.user@example.com'),
      ]);
      expect(listed.status).toBe(unlisted.status);
      expect(listed.headers['content-type']).toBe(unlisted.headers['content-type']);
      expect(listed.text).toBe(unlisted.text);
    },
  );

  test('the comparison is not blind: business.user@example.com (listed as Business Mail in a POP domain) differs from nobody@example.com', async () => {
    const endpoint = ENDPOINTS[0];
    if (endpoint === undefined) throw new Error('no endpoints');
    const [listed, unlisted] = await compare(
      endpoint,
      [exampleAccounts, 'business.user@example.com'],
      [exampleAccounts, 'nobody@example.com'],
    );
    expect(listed.body).not.toBe(unlisted.body);
  });
});

describe('enumeration › display names stay private by default', () => {
  const listed = ['pop.user@example.com', 'business.user@example.com'];
  const NAMES = /Pop User|Business User/;

  test.each(ENDPOINTS.map((endpoint) => [endpoint.name, endpoint] as const))(
    '%s › neither "Pop User" nor "Business User" appears',
    async (_name, endpoint) => {
      for (const address of listed) {
        const res = await endpoint.send(exampleAccounts, address);
        expect(res.status).toBeLessThan(500);
        expect(res.text).not.toMatch(NAMES);
        // (An error document, such as mobilesync's 501 for POP access, has no user to read.)
        if (res.status === 200 && !res.text.includes('<ErrorCode>'))
          expect(endpoint.read(res).displayNames).toEqual([]);
      }
    },
  );

  test('the check is not blind: with privacy.revealDisplayNames the POX answer names the user', async () => {
    const endpoint = ENDPOINTS[0];
    if (endpoint === undefined) throw new Error('no endpoints');
    const res = await endpoint.send(exampleApp({ config: revealDisplayNames }), 'pop.user@example.com');
    expect(endpoint.read(res).displayNames).toEqual(['Pop User']);
  });
});

describe('enumeration › foreign domains always get the not-found answer, the same for every address', () => {
  const FOREIGN = [
    'someone@foreign.test',
    'pop.user@example.net',
    'pop.user@mail.example.com',
    'pop.user@example.com.attacker.test',
    'kari@bücher.example',
  ];

  test.each(ENDPOINTS.map((endpoint) => [endpoint.name, endpoint] as const))(
    '%s › not found, and byte-identical for every foreign address',
    async (_name, endpoint) => {
      const answers = await Promise.all(FOREIGN.map((address) => endpoint.send(exampleAccounts, address)));
      for (const res of answers) expectErrorAnswer(endpoint, res, NOT_FOUND);
      expect(new Set(answers.map((res) => res.text)).size).toBe(1);
      for (const [index, res] of answers.entries()) expect(res.text).not.toContain(FOREIGN[index]);
    },
  );

  test('autoconfig without an address › the Host decides: served domain answered, foreign one 404', async () => {
    const hosted = await request(exampleAccounts).get('/mail/config-v1.1.xml').set('Host', 'autoconfig.example.com');
    expect(hosted.status).toBe(200);
    const foreign = await request(exampleAccounts).get('/mail/config-v1.1.xml').set('Host', 'autoconfig.foreign.test');
    expect(foreign.status).toBe(404);
  });
});

describe('enumeration › the setup page (GET /?address=) tells no more than the protocols', () => {
  const page = (app: Express, address: string): Promise<TestResponse> =>
    request(app)
      .get(`/?address=${encodeURIComponent(address)}`)
      .then((res) => res);
  /** comparable(), with the address in links (percent-encoded) and the QR code (it encodes one) set aside too. */
  const pageComparable = (res: TestResponse, address: string): Comparable => {
    const seen = comparable(res, address);
    const body = seen.body
      .replaceAll(encodeURIComponent(address), '{address}')
      .replace(/<svg[^]*?<\/svg>/g, '{qr code}');
    return { ...seen, body };
  };

  test.each([
    ['pop.user@example.com (listed, POP access)', exampleAccounts, 'pop.user@example.com', 'nobody@example.com'],
    ['known.user@example.org (listed, Business Mail)', businessListed, 'known.user@example.org', 'nobody@example.org'],
  ])('%s = an unlisted mailbox of the domain, address aside', async (_name, app, listed, unlisted) => {
    const [a, b] = await Promise.all([page(app, listed), page(app, unlisted)]);
    expect(a.status).toBe(200);
    expect(pageComparable(a, listed)).toEqual(pageComparable(b, unlisted));
  });

  test('pop.user@example.com, listed or not › byte-identical', async () => {
    const [listed, unlisted] = await Promise.all([
      page(exampleAccounts, 'pop.user@example.com'),
      page(nobodyListed, 'pop.user@example.com'),
    ]);
    expect(listed.text).toBe(unlisted.text);
  });

  test('the comparison is not blind: business.user@example.com (Business Mail in a POP domain) differs', async () => {
    const [listed, unlisted] = await Promise.all([
      page(exampleAccounts, 'business.user@example.com'),
      page(exampleAccounts, 'nobody@example.com'),
    ]);
    expect(pageComparable(listed, 'business.user@example.com').body).not.toBe(
      pageComparable(unlisted, 'nobody@example.com').body,
    );
  });

  test('display names never appear, even when config reveals them to the protocols', async () => {
    for (const app of [exampleAccounts, exampleApp({ config: revealDisplayNames })]) {
      for (const address of ['pop.user@example.com', 'business.user@example.com']) {
        expect((await page(app, address)).text).not.toMatch(/Pop User|Business User/);
      }
    }
  });

  test('foreign domains › 404, the same page for every mailbox of a domain, address aside', async () => {
    const [a, b] = await Promise.all([
      page(exampleAccounts, 'someone@foreign.test'),
      page(exampleAccounts, 'pop.user@foreign.test'),
    ]);
    expect(a.status).toBe(404);
    expect(pageComparable(a, 'someone@foreign.test')).toEqual(pageComparable(b, 'pop.user@foreign.test'));
  });
});
