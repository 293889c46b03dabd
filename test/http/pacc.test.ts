/**
 * PACC over HTTP (docs/protocols.md §10): the document for ua-auto-config.<domain>, the same bytes
 * as the golden file (which the TXT record digests), and the plain-text 404s for every host and
 * domain PACC cannot serve.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { DirectoryUnavailableError } from '../../src/directory/account-directory';
import { PACC_REFUSAL_MESSAGES } from '../../src/protocols/pacc/render';
import { PACC_PATH } from '../../src/protocols/pacc/paths';
import { exampleApp } from '../support/app';
import { expectNoInternals, failingDirectory, type TestResponse } from '../support/http';

const app = exampleApp();
const GOLDEN = readFileSync(path.join(__dirname, '../golden/pacc/pop-access-domain.json'));

const getPacc = (target: Express, host: string, url: string = PACC_PATH) => request(target).get(url).set('Host', host);

/** The document's bytes as sent, not as superagent decoded them. */
function rawBody(res: TestResponse): Buffer {
  return Buffer.from(res.text, 'utf8');
}

function expectPlainText404(res: TestResponse, message: string): void {
  expect(res.status).toBe(404);
  expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(res.text).toBe(`${message}\n`);
}

describe('GET /.well-known/user-agent-configuration.json on ua-auto-config.<domain>', () => {
  test('POP access domain › 200: the golden document, byte for byte, application/json, not cached', async () => {
    const res = await getPacc(app, 'ua-auto-config.example.com');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-length']).toBe(String(GOLDEN.length));
    expect(rawBody(res).equals(GOLDEN)).toBe(true);
  });

  test('the same bytes on every request, in any letter case of the host and path, over the fast lane or Express', async () => {
    const answers = await Promise.all([
      getPacc(app, 'ua-auto-config.example.com'),
      getPacc(app, 'UA-Auto-Config.EXAMPLE.com'),
      getPacc(app, 'ua-auto-config.example.com:8443'),
      getPacc(app, 'ua-auto-config.example.com', '/.Well-Known/User-Agent-Configuration.json'),
      getPacc(exampleApp({ fastLane: false }), 'ua-auto-config.example.com'),
    ]);
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(rawBody(res).equals(GOLDEN)).toBe(true);
    }
  });

  test('a query naming a Business Mail user › the domain document all the same (PACC is per domain)', async () => {
    const res = await getPacc(
      app,
      'ua-auto-config.example.com',
      `${PACC_PATH}?emailaddress=business.user%40example.com`,
    );
    expect(rawBody(res).equals(GOLDEN)).toBe(true);
  });

  test('HEAD › the headers of the document, no body', async () => {
    const res = await request(app).head(PACC_PATH).set('Host', 'ua-auto-config.example.com');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(GOLDEN.length));
    expect(res.text).toBeUndefined();
  });

  test('Business Mail domain (example.org) › 404 saying why: PACC has no Exchange entry', async () => {
    expectPlainText404(await getPacc(app, 'ua-auto-config.example.org'), PACC_REFUSAL_MESSAGES['business-mail']);
  });

  test('POP access servers PACC cannot describe (submission on 587 only) › 404 saying why', async () => {
    const starttlsOnly = exampleApp({
      config: (c) => ({
        ...c,
        popAccess: { ...c.popAccess, smtp: [{ host: 'mamutmail.com', port: 587, socket: 'starttls' }] },
      }),
    });
    expectPlainText404(
      await getPacc(starttlsOnly, 'ua-auto-config.example.com'),
      PACC_REFUSAL_MESSAGES['no-implicit-tls-submission'],
    );
  });

  test('a domain this service does not host › 404', async () => {
    expectPlainText404(await getPacc(app, 'ua-auto-config.example.net'), 'No PACC configuration for this domain.');
  });

  test.each([
    ['the bare domain', 'example.com'],
    ['autoconfig.<domain>', 'autoconfig.example.com'],
    ['autodiscover.<domain>', 'autodiscover.example.com'],
    ['this service by address', '127.0.0.1:8080'],
    ['localhost', 'localhost'],
    ['the prefix with no domain', 'ua-auto-config.'],
  ])('Host %s › 404: PACC is asked on ua-auto-config.<domain> only', async (_label, host) => {
    expectPlainText404(
      await getPacc(app, host),
      'No PACC configuration for this host; PACC is asked on ua-auto-config.<domain>.',
    );
  });

  test('POST › not a PACC request: the plain 404 of any unknown route', async () => {
    const res = await request(app).post(PACC_PATH).set('Host', 'ua-auto-config.example.com').send('{}');
    expect(res.status).toBe(404);
  });
});

describe('PACC behind a proxy (server.trustProxy)', () => {
  const forwardedHost = (trustProxy: boolean) =>
    request(exampleApp({ config: (c) => ({ ...c, server: { ...c.server, trustProxy } }) }))
      .get(PACC_PATH)
      .set('Host', 'mail-service.internal')
      .set('X-Forwarded-Host', 'ua-auto-config.example.com');

  test('trusted proxy › the domain comes from X-Forwarded-Host', async () => {
    const res = await forwardedHost(true);
    expect(res.status).toBe(200);
    expect(rawBody(res).equals(GOLDEN)).toBe(true);
  });

  test('no trusted proxy › X-Forwarded-Host is ignored, the Host decides', async () => {
    expect((await forwardedHost(false)).status).toBe(404);
  });
});

describe('PACC › directory failures and the rate limit', () => {
  const SECRET = 'db-primary.internal:5432 password=hunter2';

  test.each([new DirectoryUnavailableError(`cannot reach ${SECRET}`), new Error(`unexpected ${SECRET}`)])(
    'the directory throws (%s) › 503 plain text with Retry-After, no internals',
    async (error) => {
      const res = await getPacc(exampleApp({ directory: failingDirectory(error) }), 'ua-auto-config.example.com');
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('30');
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expectNoInternals(res.text, SECRET);
    },
  );

  test('over the per-IP limit shared with every discovery path › 429 plain text with Retry-After', async () => {
    const limited = exampleApp({
      config: (c) => ({ ...c, rateLimit: { ...c.rateLimit, enabled: true, points: 3 } }),
    });
    await request(limited).get('/mobileconfig?emailaddress=pop.user%40example.com');
    for (let i = 0; i < 2; i += 1) expect((await getPacc(limited, 'ua-auto-config.example.com')).status).toBe(200);
    const res = await getPacc(limited, 'ua-auto-config.example.com');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  });
});
