import type { Express } from 'express';
import request from 'supertest';
import type { AppConfig } from '../../src/config/schema';
import { exampleApp } from '../support/app';
import type { TestResponse } from '../support/http';
import {
  autodiscoverErrorCodeOf,
  ENDPOINTS,
  expectNoInternals,
  isAutodiscoverXml,
  type Endpoint,
} from '../support/hostile';

/** 5 requests per IP per minute: the 6th is over the limit. */
const LIMIT = 5;
const limited = (config: AppConfig): AppConfig => ({
  ...config,
  rateLimit: { enabled: true, points: LIMIT, durationSeconds: 60, allowlist: [] },
});
const limitedApp = (): Express => exampleApp({ config: limited });

/** Sends the allowed requests and returns the first one over the limit. */
async function overTheLimit(send: () => Promise<TestResponse>): Promise<TestResponse> {
  for (let i = 0; i < LIMIT; i += 1) expect((await send()).status).not.toBe(429);
  return send();
}

/** 429, Retry-After in whole seconds within the window, no caching, and a body in the protocol's own format. */
function expectTooManyRequests(res: TestResponse, format: 'autodiscover' | 'json' | 'text'): void {
  expect(res.status).toBe(429);
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.headers['cache-control']).toBe('no-store');
  if (format === 'autodiscover') {
    expect(autodiscoverErrorCodeOf(res)).toBe('603');
  } else if (format === 'json') {
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.text)).toEqual({ ErrorCode: 'TooManyRequests', ErrorMessage: expect.any(String) as unknown });
  } else {
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text.trim()).not.toBe('');
  }
  expectNoInternals(res.text);
}

function formatOf(endpoint: Endpoint): 'autodiscover' | 'json' | 'text' {
  if (isAutodiscoverXml(endpoint)) return 'autodiscover';
  return endpoint.name.includes('autodiscover.json') ? 'json' : 'text';
}

describe('rate limit › the request over the per-IP limit gets 429 with Retry-After, in the protocol’s format', () => {
  test.each(ENDPOINTS.map((endpoint) => [endpoint.name, endpoint] as const))(
    '%s › 6th request › 429',
    async (_name, endpoint) => {
      const app = limitedApp();
      expectTooManyRequests(await overTheLimit(() => endpoint.send(app, 'pop.user@example.com')), formatOf(endpoint));
    },
  );

  test.each([
    [
      'GET /Autodiscover/Autodiscover.xml (Outlook probe, capitalised)',
      '/Autodiscover/Autodiscover.xml',
      'autodiscover',
    ],
    [
      'GET /AUTODISCOVER/AUTODISCOVER.JSON/v1.0/…',
      '/AUTODISCOVER/AUTODISCOVER.JSON/v1.0/pop.user@example.com?Protocol=AutodiscoverV1',
      'json',
    ],
    [
      'GET /.well-known/autoconfig/mail/config-v1.1.xml without an address',
      '/.well-known/autoconfig/mail/config-v1.1.xml',
      'text',
    ],
  ] as const)('%s › limited too, body in its format', async (_label, path, format) => {
    const app = limitedApp();
    expectTooManyRequests(await overTheLimit(() => request(app).get(path)), format);
  });

  test('the limit counts every discovery endpoint together', async () => {
    const app = limitedApp();
    for (const endpoint of ENDPOINTS.slice(0, LIMIT))
      expect((await endpoint.send(app, 'pop.user@example.com')).status).not.toBe(429);
    const json = ENDPOINTS.find((endpoint) => formatOf(endpoint) === 'json');
    if (json === undefined) throw new Error('no JSON endpoint');
    expectTooManyRequests(await json.send(app, 'nobody@example.org'), 'json');
  });

  test('/healthz is not limited, before or after the limit is reached', async () => {
    const app = limitedApp();
    await overTheLimit(() => request(app).get('/mail/config-v1.1.xml?emailaddress=pop.user%40example.com'));
    for (let i = 0; i < LIMIT * 3; i += 1) expect((await request(app).get('/healthz')).status).toBe(200);
  });

  test('per IP: behind a trusted proxy, another client address still gets answers', async () => {
    const app = exampleApp({
      config: (config) => ({ ...limited(config), server: { ...config.server, trustProxy: true } }),
    });
    const from = (ip: string) => () =>
      request(app).get('/mobileconfig?emailaddress=pop.user%40example.com').set('X-Forwarded-For', ip);
    expectTooManyRequests(await overTheLimit(from('203.0.113.7')), 'text');
    expect((await from('203.0.113.8')()).status).toBe(200);
  });

  // supertest connects from 127.0.0.1: that is the peer whose word on the client's address is or is not taken.
  const SPOOFED_HEADERS = [
    ['X-Forwarded-For', (n: number) => `203.0.113.${n}`],
    ['Forwarded', (n: number) => `for=203.0.113.${n}`],
    ['X-Real-IP', (n: number) => `203.0.113.${n}`],
  ] as const;
  const withTrustProxy = (trustProxy: AppConfig['server']['trustProxy'], fastLane: boolean): Express =>
    exampleApp({ config: (config) => ({ ...limited(config), server: { ...config.server, trustProxy } }), fastLane });
  /** Requests each claiming a new client address in `headers` (default: every header a proxy might set). */
  const rotating = (app: Express, headers: readonly (typeof SPOOFED_HEADERS)[number][] = SPOOFED_HEADERS) => {
    let sent = 0;
    return () => {
      sent += 1;
      const claimed = request(app).get('/mobileconfig?emailaddress=pop.user%40example.com');
      for (const [header, value] of headers) claimed.set(header, value(sent));
      return claimed;
    };
  };

  describe.each([
    ['fast lane', true],
    ['Express router', false],
  ] as const)('client-sent address headers (%s)', (_way, fastLane) => {
    test.each(SPOOFED_HEADERS.map((entry) => [entry[0], entry] as const))(
      'trustProxy off › rotating %s › still one budget',
      async (_header, entry) => {
        expectTooManyRequests(await overTheLimit(rotating(withTrustProxy(false, fastLane), [entry])), 'text');
      },
    );

    test('trustProxy off › all three rotating together › still one budget', async () => {
      expectTooManyRequests(await overTheLimit(rotating(withTrustProxy(false, fastLane))), 'text');
    });

    test('trustProxy a CIDR list without the peer › its X-Forwarded-For ignored, one budget', async () => {
      const app = withTrustProxy(['10.0.0.0/8', '192.0.2.0/24', 'fd00::/8'], fastLane);
      expectTooManyRequests(await overTheLimit(rotating(app)), 'text');
    });

    test.each([[['127.0.0.0/8']], [['loopback']], [['10.0.0.0/8', '127.0.0.1']]])(
      'trustProxy %j (the peer is a listed proxy) › its X-Forwarded-For names the client',
      async (trustProxy) => {
        const app = withTrustProxy(trustProxy, fastLane);
        const from = (ip: string) => () =>
          request(app).get('/mobileconfig?emailaddress=pop.user%40example.com').set('X-Forwarded-For', ip);
        expectTooManyRequests(await overTheLimit(from('203.0.113.7')), 'text');
        expect((await from('203.0.113.8')()).status).toBe(200);
        // Only the listed proxy is believed: an address the client put before it in the chain is not.
        expectTooManyRequests(await from('198.51.100.1, 203.0.113.7')(), 'text');
      },
    );
  });
});
