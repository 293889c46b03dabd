/**
 * Browser-based clients (docs/protocols.md §6.8): autoconfig answers are public and credential-free,
 * so any origin may read them and the CORS preflight is answered; never with credentials, never on
 * the admin API or on answers that are not public.
 */
import request from 'supertest';
import type { AppConfig } from '../../src/config/schema';
import { exampleApp } from '../support/app';
import type { TestResponse } from '../support/http';

const ORIGIN = 'https://webmail.client.example';
const AUTOCONFIG_PATHS = [
  '/mail/config-v1.1.xml',
  '/.well-known/autoconfig/mail/config-v1.1.xml',
  '/v1.1/mail/config-v1.1.xml',
] as const;
const ADMIN_TOKEN = 'cors-test-admin-token-0123456789';

const withAdmin = (config: AppConfig): AppConfig => ({ ...config, admin: { ...config.admin, token: ADMIN_TOKEN } });

function expectReadableByAnyOrigin(res: TestResponse): void {
  expect(res.headers['access-control-allow-origin']).toBe('*');
  expect(res.headers['access-control-allow-credentials']).toBeUndefined();
}

function expectNoCors(res: TestResponse): void {
  expect(Object.keys(res.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
}

describe.each([
  ['fast lane', true],
  ['Express router', false],
])('autoconfig answers (%s) › Access-Control-Allow-Origin: *', (_lane, fastLane) => {
  const app = exampleApp({ fastLane });

  test.each(AUTOCONFIG_PATHS)('GET %s with an Origin › 200, any origin, no credentials', async (path) => {
    const res = await request(app).get(`${path}?emailaddress=pop.user%40example.com`).set('Origin', ORIGIN);
    expect(res.status).toBe(200);
    expectReadableByAnyOrigin(res);
    expect(res.headers['access-control-expose-headers']).toBe('Retry-After');
  });

  test('without an Origin (a mail client) › the same header: the answer does not vary by origin', async () => {
    const res = await request(app).get('/mail/config-v1.1.xml?emailaddress=pop.user%40example.com');
    expectReadableByAnyOrigin(res);
    expect(res.headers['vary']).toBeUndefined();
  });

  test.each([
    ['a foreign domain › 404', '/mail/config-v1.1.xml?emailaddress=someone%40foreign.test', 404],
    ['an invalid address › 400', '/mail/config-v1.1.xml?emailaddress=pop.user%40', 400],
  ])('%s, readable too, so the page sees the status', async (_name, target, status) => {
    const res = await request(app).get(target).set('Origin', ORIGIN);
    expect(res.status).toBe(status);
    expectReadableByAnyOrigin(res);
  });

  test('the security headers still come with it', async () => {
    const res = await request(app).get('/mail/config-v1.1.xml?emailaddress=pop.user%40example.com');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('CORS preflight: OPTIONS on the autoconfig paths', () => {
  const app = exampleApp();

  test.each(AUTOCONFIG_PATHS)('OPTIONS %s › 204, GET and HEAD from any origin, no credentials', async (path) => {
    const res = await request(app)
      .options(`${path}?emailaddress=pop.user%40example.com`)
      .set('Origin', ORIGIN)
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'x-client-version');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expectReadableByAnyOrigin(res);
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD');
    expect(res.headers['access-control-allow-headers']).toBe('*');
    expect(res.headers['access-control-max-age']).toBe('86400');
    expect(res.headers['allow']).toBe('GET, HEAD, OPTIONS');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  test('over the rate limit › the 429 is readable as well', async () => {
    const limited = exampleApp({
      config: (config) => ({ ...config, rateLimit: { ...config.rateLimit, enabled: true, points: 1 } }),
    });
    const target = '/mail/config-v1.1.xml?emailaddress=pop.user%40example.com';
    expect((await request(limited).get(target)).status).toBe(200);
    const res = await request(limited).get(target).set('Origin', ORIGIN);
    expect(res.status).toBe(429);
    expectReadableByAnyOrigin(res);
    expect(res.headers['retry-after']).toBeDefined();
  });
});

describe.each([
  ['fast lane', true],
  ['Express router', false],
])('CORS on PACC (%s): the document and its refusals are public too', (_lane, fastLane) => {
  const app = exampleApp({ fastLane });
  const PACC = '/.well-known/user-agent-configuration.json';

  test.each([
    ['a POP access domain › 200', 'ua-auto-config.example.com', 200],
    ['a Business Mail domain › 404', 'ua-auto-config.example.org', 404],
  ] as const)('%s, readable by any origin', async (_name, host, status) => {
    const res = await request(app).get(PACC).set('Host', host).set('Origin', ORIGIN);
    expect(res.status).toBe(status);
    expectReadableByAnyOrigin(res);
  });

  test('OPTIONS › 204 preflight', async () => {
    const res = await request(app)
      .options(PACC)
      .set('Host', 'ua-auto-config.example.com')
      .set('Origin', ORIGIN)
      .set('Access-Control-Request-Method', 'GET');
    expect(res.status).toBe(204);
    expectReadableByAnyOrigin(res);
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD');
  });
});

describe('no CORS anywhere else', () => {
  const app = exampleApp({ config: withAdmin });

  test.each([
    ['the right token › 200', ADMIN_TOKEN, 200],
    ['a wrong token › 401', 'wrong', 401],
  ])('the admin API with %s, no CORS headers', async (_name, token, status) => {
    const res = await request(app)
      .post('/admin/cache/invalidate')
      .set('Origin', ORIGIN)
      .set('Authorization', `Bearer ${token}`)
      .send({ domain: 'example.com' });
    expect(res.status).toBe(status);
    expectNoCors(res);
  });

  test('the admin API › a preflight gets no CORS headers, so browsers never send the request', async () => {
    const res = await request(app)
      .options('/admin/cache/invalidate')
      .set('Origin', ORIGIN)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type');
    expect(res.status).not.toBe(204);
    expectNoCors(res);
  });

  test.each([
    ['POX Autodiscover', 'post', '/autodiscover/autodiscover.xml'],
    ['Autodiscover v2', 'get', '/autodiscover/autodiscover.json?Email=pop.user%40example.com&Protocol=AutodiscoverV1'],
    ['Apple profile', 'get', '/mobileconfig?emailaddress=pop.user%40example.com'],
    ['health', 'get', '/healthz'],
    ['an unknown path', 'get', '/nothing-here'],
  ] as const)('%s › no CORS headers', async (_name, method, target) => {
    expectNoCors(await request(app)[method](target).set('Origin', ORIGIN));
  });
});
