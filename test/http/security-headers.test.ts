/**
 * The security headers are helmet's own, computed once at start-up (src/http/security-headers.ts):
 * every answer is byte-identical to the one a helmet-mounted app gives.
 */
import http from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import pino from 'pino';
import { createErrorHandler, notFound } from '../../src/http/error-handler';
import { setHeldPreamble } from '../../src/http/preamble';
import { createHelmet, createSecurityHeaders } from '../../src/http/security-headers';
import type { AppConfig } from '../../src/config/schema';
import { exampleApp } from '../support/app';
import { failingDirectory } from '../support/http';
import { closeServer, exchange, listenOnLoopback, WIRE_REQUESTS, wireRequest, type WireRequest } from '../support/wire';

type ExampleApp = typeof exampleApp;

/** exampleApp as it was built with helmet itself mounted: the same modules, createSecurityHeaders swapped. */
function helmetMountedExampleApp(): ExampleApp {
  let built: ExampleApp | undefined;
  jest.isolateModules(() => {
    // helmet writes with res.setHeader; on the fast lane's plain responses that would go before the
    // held X-Request-Id, so the preamble is set first, as Express's objects do themselves.
    jest.doMock('../../src/http/security-headers', () => ({
      createSecurityHeaders: (): RequestHandler => {
        const helmet = createHelmet();
        return (req, res, next) => {
          setHeldPreamble(res);
          void helmet(req, res, next);
        };
      },
    }));
    built = jest.requireActual<{ exampleApp: ExampleApp }>('../support/app').exampleApp;
  });
  if (built === undefined) throw new Error('no helmet-mounted app');
  return built;
}

async function answersOf(app: Express, requests: readonly WireRequest[]): Promise<Record<string, string>> {
  const server = http.createServer(app);
  const port = await listenOnLoopback(server);
  try {
    const answers: Record<string, string> = {};
    for (const request of requests) answers[request.name] = await exchange(port, request);
    return answers;
  } finally {
    await closeServer(server);
  }
}

describe('security headers computed once from helmet', () => {
  test('the header set is helmet’s: CSP, frame, sniffing and cross-origin headers, no HSTS', async () => {
    const app = express();
    app.use(createSecurityHeaders());
    app.get('/', (_req, res) => void res.send('ok'));
    const answer = (await answersOf(app, [wireRequest('root', 'GET', '/')]))['root'] ?? '';
    expect(answer).toContain("Content-Security-Policy: default-src 'none';frame-ancestors 'none'\r\n");
    expect(answer).toContain('Cross-Origin-Resource-Policy: same-site\r\n');
    expect(answer).toContain('X-Frame-Options: DENY\r\n');
    expect(answer).toContain('X-Content-Type-Options: nosniff\r\n');
    expect(answer).not.toContain('Strict-Transport-Security');
  });

  test('a bare app: a route, a thrown error and a 404 › the same bytes as with helmet', async () => {
    const appWith = (headers: RequestHandler): Express => {
      const app = express();
      app.use(headers);
      app.get('/ok', (_req, res) => void res.type('text/xml').send('<ok/>'));
      app.get('/boom', () => {
        throw new Error('boom');
      });
      app.use(notFound);
      app.use(createErrorHandler(pino({ level: 'silent' })));
      return app;
    };
    const requests = [
      wireRequest('ok', 'GET', '/ok'),
      wireRequest('boom', 'GET', '/boom'),
      wireRequest('404', 'GET', '/x'),
    ];
    const expected = await answersOf(appWith(createHelmet()), requests);
    expect(expected['boom']).toMatch(/^HTTP\/1\.1 500 /);
    expect(await answersOf(appWith(createSecurityHeaders()), requests)).toEqual(expected);
  });

  test('the service: every endpoint, /healthz, 404 and errors › the same bytes as with helmet', async () => {
    const withHelmet = helmetMountedExampleApp();
    expect(await answersOf(exampleApp(), WIRE_REQUESTS)).toEqual(await answersOf(withHelmet(), WIRE_REQUESTS));
    // A directory that fails: the temporary-error answer of every protocol.
    const directory = failingDirectory(new Error('connection refused'));
    expect(await answersOf(exampleApp({ directory }), WIRE_REQUESTS)).toEqual(
      await answersOf(withHelmet({ directory }), WIRE_REQUESTS),
    );
  });

  test('answers written by Express (admin JSON, redirects, 429s) › the same bytes as with helmet', async () => {
    const token = 'a-long-enough-admin-token-for-tests';
    const configure = (config: AppConfig): AppConfig => ({
      ...config,
      admin: { ...config.admin, token },
      server: { ...config.server, redirectPlainHttpAutodiscover: true },
      rateLimit: { enabled: true, points: 2, durationSeconds: 60, allowlist: [] },
    });
    const pox = WIRE_REQUESTS.find((request) => request.name === 'POX outlook')?.text ?? '';
    const requests = [
      wireRequest('admin', 'POST', '/admin/cache/invalidate', '{"address":"pop.user@example.com"}', [
        `Authorization: Bearer ${token}`,
        'Content-Type: application/json',
      ]),
      wireRequest('admin refused', 'POST', '/admin/cache/invalidate', '{}', ['Authorization: Bearer wrong']),
      { name: 'redirect', text: pox },
      wireRequest('within the limit', 'GET', '/healthz'),
      wireRequest('limited', 'GET', '/mail/config-v1.1.xml?emailaddress=pop.user%40example.com'),
      wireRequest('limited again', 'GET', '/mail/config-v1.1.xml?emailaddress=pop.user%40example.com'),
    ];
    const expected = await answersOf(helmetMountedExampleApp()({ config: configure }), requests);
    expect(expected['admin']).toMatch(/^HTTP\/1\.1 200 /);
    expect(expected['redirect']).toMatch(/^HTTP\/1\.1 30[27] /);
    expect(expected['limited again']).toMatch(/^HTTP\/1\.1 429 /);
    expect(await answersOf(exampleApp({ config: configure }), requests)).toEqual(expected);
  });
});
