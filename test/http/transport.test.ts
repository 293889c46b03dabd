/**
 * Transport: plain-HTTP Autodiscover redirects (docs/protocols.md §3.6), direct HTTPS from config files,
 * and the server timeouts that keep slow clients from holding sockets.
 */
import { rmSync } from 'node:fs';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import request from 'supertest';
import type { AppConfig } from '../../src/config/schema';
import { createListeners, readTlsFiles } from '../../src/http/listeners';
import { exampleApp, exampleConfig } from '../support/app';
import { writeSelfSignedTlsFiles } from '../support/tls';

const OUTLOOK_BODY =
  '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>pop.user@example.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>';

const withRedirect =
  (trustProxy: boolean) =>
  (config: AppConfig): AppConfig => ({
    ...config,
    server: { ...config.server, redirectPlainHttpAutodiscover: true, trustProxy },
  });

describe('plain-HTTP Autodiscover redirect (server.redirectPlainHttpAutodiscover)', () => {
  const target = exampleConfig().config.autodiscover.publicUrl;

  test('GET over HTTP › 302 to autodiscover.publicUrl (Outlook port-80 probe)', async () => {
    const res = await request(exampleApp({ config: withRedirect(false) })).get('/AutoDiscover/AutoDiscover.xml');
    expect(res.status).toBe(302);
    expect(res.headers['location']).toBe(target);
  });

  test('POST over HTTP › 307, so the client repeats the POST with its body', async () => {
    const res = await request(exampleApp({ config: withRedirect(false) }))
      .post('/autodiscover/autodiscover.xml')
      .type('text/xml')
      .send(OUTLOOK_BODY);
    expect(res.status).toBe(307);
    expect(res.headers['location']).toBe(target);
  });

  test('POST behind a trusted proxy that says HTTPS › answered, not redirected', async () => {
    const res = await request(exampleApp({ config: withRedirect(true) }))
      .post('/autodiscover/autodiscover.xml')
      .set('X-Forwarded-Proto', 'https')
      .type('text/xml')
      .send(OUTLOOK_BODY);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<Type>IMAP</Type>');
  });

  test('autoconfig over HTTP › still answered (Thunderbird reads http:// autoconfig)', async () => {
    const res = await request(exampleApp({ config: withRedirect(false) })).get(
      '/mail/config-v1.1.xml?emailaddress=pop.user%40example.com',
    );
    expect(res.status).toBe(200);
  });

  test('default (no HTTPS configured) › no redirect', async () => {
    const res = await request(exampleApp()).get('/autodiscover/autodiscover.xml');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<ErrorCode>600</ErrorCode>');
  });
});

describe('direct HTTPS (server.https)', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await writeSelfSignedTlsFiles();
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const httpsConfig = (certFile: string): AppConfig => {
    const base = exampleConfig().config;
    return {
      ...base,
      rateLimit: { ...base.rateLimit, enabled: false },
      server: { ...base.server, https: { port: 8443, certFile, keyFile: 'key.pem', rescanSeconds: 60 } },
    };
  };

  test('unreadable certificate › a start-up problem naming the key and the fix', () => {
    const problems = readTlsFiles(httpsConfig('missing.pem'), folder);
    expect(Array.isArray(problems)).toBe(true);
    const text = Array.isArray(problems) ? problems.join(',') : JSON.stringify(problems);
    expect(text).toContain('server.https.certFile: cannot read');
    expect(text).toContain('ENOENT');
  });

  test('POST over HTTPS › settings; the same request over the HTTP listener › 307', async () => {
    const config = httpsConfig('cert.pem');
    const tls = readTlsFiles(config, folder);
    if (tls === null || Array.isArray(tls)) throw new Error(`TLS files not read: ${String(tls)}`);
    const app = exampleApp({
      config: () => ({ ...config, server: { ...config.server, redirectPlainHttpAutodiscover: true } }),
    });
    const listeners = createListeners(app, config, tls);
    expect(listeners.map((listener) => listener.scheme)).toEqual(['http', 'https']);
    await Promise.all(
      listeners.map(({ server }) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))),
    );
    try {
      const [plain, secure] = listeners.map(({ server }) => (server.address() as AddressInfo).port);
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = https.request(
          {
            host: '127.0.0.1',
            port: secure,
            method: 'POST',
            path: '/autodiscover/autodiscover.xml',
            rejectUnauthorized: false,
            headers: { 'content-type': 'text/xml' },
          },
          (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end(OUTLOOK_BODY);
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('<Type>IMAP</Type>');
      const redirected = await request(`http://127.0.0.1:${plain}`)
        .post('/autodiscover/autodiscover.xml')
        .type('text/xml')
        .send(OUTLOOK_BODY);
      expect(redirected.status).toBe(307);
    } finally {
      await Promise.all(listeners.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));
    }
  });
});

describe('server timeouts', () => {
  test('a client that sends part of its headers and stalls › the server closes the socket', async () => {
    const base = exampleConfig().config;
    const config: AppConfig = { ...base, server: { ...base.server, headersTimeoutMs: 300, requestTimeoutMs: 500 } };
    const [listener] = createListeners(exampleApp(), config, null);
    if (listener === undefined) throw new Error('no listener');
    await new Promise<void>((resolve) => listener.server.listen(0, '127.0.0.1', resolve));
    try {
      const socket = net.connect((listener.server.address() as AddressInfo).port, '127.0.0.1');
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      socket.write('POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: x\r\n');
      // Node checks the timeouts periodically; the bound here is generous, the point is that it ends.
      await new Promise<void>((resolve, reject) => {
        const guard = setTimeout(() => reject(new Error('the server kept the stalled connection open')), 10_000);
        socket.once('close', () => {
          clearTimeout(guard);
          resolve();
        });
      });
      expect(received === '' || received.startsWith('HTTP/1.1 408')).toBe(true);
    } finally {
      listener.server.closeAllConnections();
      await new Promise<void>((resolve) => listener.server.close(() => resolve()));
    }
  });
});
