/**
 * deploy/caddy/Caddyfile end to end, on loopback (docs/protocols.md §12.1): the real Caddy obtains a
 * certificate from a local ACME server (pebble, with pebble-challtestsrv as its DNS) for a hosted
 * domain's autodiscover. name after asking GET /tls/allowed, refuses a foreign one, and answers
 * through the service. Ports are high and unprivileged: pebble validates on Caddy's http_port and
 * https_port. Debian packages caddy and pebble (.ci/run installs them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TLSSocket } from 'node:tls';
import { expressBridgeOf } from '../../src/http/express-bridge';
import { exampleApp, REPO_ROOT } from '../support/app';
import { freePort } from '../support/service-process';
import { selfSignedPairFor } from '../support/tls';
import { describeWithPrograms } from '../support/tools';

const CADDYFILE = path.join(REPO_ROOT, 'deploy', 'caddy', 'Caddyfile');

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
}

function start(command: string, args: readonly string[], env: Record<string, string>): Started {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}; output:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly issuer: string;
}

/**
 * An HTTPS request to Caddy for `name`, as `curl --resolve name:port:127.0.0.1 --cacert root` makes it:
 * connected to loopback, SNI and Host `name`, the certificate checked against pebble's root.
 */
function requestThroughCaddy(
  port: number,
  name: string,
  ca: string,
  options: { path: string; method?: string; headers?: Record<string, string>; body?: string; localAddress?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        servername: name,
        ca,
        agent: false,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: name, ...options.headers },
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          const certificate = res.socket instanceof TLSSocket ? res.socket.getPeerX509Certificate() : undefined;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, issuer: certificate?.issuer ?? '' });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Whether anything answers HTTP on the loopback port (a process that has started listening). */
function answersHttp(port: number): Promise<boolean> {
  return new Promise((resolve) =>
    http
      .get({ host: '127.0.0.1', port, path: '/' }, (res) => {
        res.resume();
        resolve(true);
      })
      .on('error', () => resolve(false)),
  );
}

function fetchText(url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

describeWithPrograms(['caddy', 'pebble', 'pebble-challtestsrv'], 'apt-get install caddy pebble')(
  'Caddy on-demand TLS in front of the service',
  () => {
    let folder = '';
    let caddyHttpsPort = 0;
    let caddyHttpPort = 0;
    let pebbleRoot = '';
    let service: http.Server | null = null;
    const started: Started[] = [];
    /** The client address the service saw for each request (its server.trustProxy applied). */
    const clientAddresses: string[] = [];
    /** Caddy's asks, `path status`, as the service answered them. */
    const asked: string[] = [];
    const outputs = (): string => started.map(({ output }) => output()).join('\n---\n');

    beforeAll(async () => {
      folder = mkdtempSync(path.join(tmpdir(), 'caddy-e2e-'));
      const [servicePort, dnsPort, pebblePort, pebbleManagementPort] = await Promise.all(
        Array.from({ length: 4 }, () => freePort()),
      );
      [caddyHttpPort, caddyHttpsPort] = await Promise.all([freePort(), freePort()]);

      // The service as a deployment behind Caddy runs it: Caddy on loopback is its trusted proxy.
      const app = exampleApp({
        config: (config) => ({
          ...config,
          server: { ...config.server, trustProxy: ['loopback'], redirectPlainHttpAutodiscover: true },
        }),
      });
      const bridge = expressBridgeOf(app);
      const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
        const url = req.url ?? '';
        if (url.startsWith('/tls/')) res.once('finish', () => asked.push(`${url} ${res.statusCode}`));
        else clientAddresses.push(bridge.clientAddress(req));
        app(req, res);
      });
      service = server;
      await new Promise<void>((done) => server.listen(servicePort, '127.0.0.1', done));

      // pebble's own HTTPS (the ACME API); Caddy trusts it through SSL_CERT_FILE, as Go reads it.
      const acmeServerPair = await selfSignedPairFor(['localhost', '127.0.0.1']);
      writeFileSync(path.join(folder, 'acme-cert.pem'), acmeServerPair.cert);
      writeFileSync(path.join(folder, 'acme-key.pem'), acmeServerPair.key);
      writeFileSync(
        path.join(folder, 'pebble.json'),
        JSON.stringify({
          pebble: {
            listenAddress: `127.0.0.1:${pebblePort}`,
            managementListenAddress: `127.0.0.1:${pebbleManagementPort}`,
            certificate: path.join(folder, 'acme-cert.pem'),
            privateKey: path.join(folder, 'acme-key.pem'),
            // Where pebble sends its HTTP-01 and TLS-ALPN-01 validation: Caddy's ports.
            httpPort: caddyHttpPort,
            tlsPort: caddyHttpsPort,
            ocspResponderURL: '',
            externalAccountBindingRequired: false,
          },
        }),
      );
      // Every name resolves to 127.0.0.1 (its default answer); no challenge servers of its own.
      const challengeManagementPort = await freePort();
      const challengeArgs = ['-dns01', `127.0.0.1:${dnsPort}`, '-http01', '', '-https01', '', '-tlsalpn01', ''];
      challengeArgs.push('-management', `127.0.0.1:${challengeManagementPort}`, '-defaultIPv6', '');
      started.push(start('pebble-challtestsrv', challengeArgs, {}));
      await waitUntil('pebble-challtestsrv', () => answersHttp(challengeManagementPort), 15_000, outputs);
      started.push(
        start('pebble', ['-config', path.join(folder, 'pebble.json'), '-dnsserver', `127.0.0.1:${dnsPort}`], {
          // No random sleeps before validation, no nonces refused for practice: the test stays fast.
          PEBBLE_VA_NOSLEEP: '1',
          PEBBLE_WFE_NONCEREJECT: '0',
        }),
      );
      const acmeCa = acmeServerPair.cert;
      await waitUntil(
        'pebble',
        async () => (await fetchText(`https://127.0.0.1:${pebblePort}/dir`, acmeCa)).includes('newOrder'),
        15_000,
        outputs,
      );
      pebbleRoot = await fetchText(`https://127.0.0.1:${pebbleManagementPort}/roots/0`, acmeCa);

      const home = path.join(folder, 'caddy-home');
      started.push(
        start('caddy', ['run', '--config', CADDYFILE, '--adapter', 'caddyfile'], {
          MAIL_AUTODISCOVER_UPSTREAM: `127.0.0.1:${servicePort}`,
          CADDY_HTTP_PORT: String(caddyHttpPort),
          CADDY_HTTPS_PORT: String(caddyHttpsPort),
          ACME_CA: `https://127.0.0.1:${pebblePort}/dir`,
          CADDY_ADMIN: 'off',
          SSL_CERT_FILE: path.join(folder, 'acme-cert.pem'),
          HOME: home,
          XDG_DATA_HOME: path.join(home, 'data'),
          XDG_CONFIG_HOME: path.join(home, 'config'),
        }),
      );
      await waitUntil('Caddy', () => answersHttp(caddyHttpPort), 15_000, outputs);
    }, 40_000);

    afterAll(async () => {
      for (const { child } of started) child.kill('SIGTERM');
      await Promise.all(
        started.map(
          ({ child }) => new Promise((done) => (child.exitCode === null ? child.once('exit', done) : done(null))),
        ),
      );
      const server = service;
      if (server !== null) await new Promise((done) => server.close(done));
      rmSync(folder, { recursive: true, force: true });
    });

    test('autodiscover.<hosted domain> › a certificate from the ACME server, and the service answers through Caddy', async () => {
      const answer = await requestThroughCaddy(caddyHttpsPort, 'autodiscover.example.com', pebbleRoot, {
        path: '/autodiscover/autodiscover.xml',
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>pop.user@example.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>',
      });
      expect(asked).toContain('/tls/allowed?domain=autodiscover.example.com 200');
      expect(answer.issuer).toMatch(/Pebble Intermediate CA/);
      expect(outputs()).toMatch(/Value:"autodiscover\.example\.com"/);
      // Answered, not redirected: Caddy's X-Forwarded-Proto says HTTPS, from a trusted proxy.
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('<Type>IMAP</Type>');
    }, 20_000);

    test('autoconfig.<hosted domain> › its own certificate; autoconfig by Host through Caddy names the domain', async () => {
      const answer = await requestThroughCaddy(caddyHttpsPort, 'autoconfig.example.org', pebbleRoot, {
        path: '/mail/config-v1.1.xml',
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('<domain>example.org</domain>');
    }, 20_000);

    test('autodiscover.<foreign domain> › no certificate: the handshake is refused', async () => {
      await expect(
        requestThroughCaddy(caddyHttpsPort, 'autodiscover.foreign.example', pebbleRoot, { path: '/healthz' }),
      ).rejects.toThrow();
      expect(asked).toContain('/tls/allowed?domain=autodiscover.foreign.example 404');
      // Refused before any order: the ACME server never heard the name.
      expect(outputs()).not.toMatch(/"autodiscover\.foreign\.example"/);
    }, 20_000);

    test('the client address reaches the service through Caddy (server.trustProxy); a forged X-Forwarded-For does not', async () => {
      clientAddresses.length = 0;
      const answer = await requestThroughCaddy(caddyHttpsPort, 'autodiscover.example.com', pebbleRoot, {
        path: '/healthz',
        headers: { 'x-forwarded-for': '203.0.113.9' },
        localAddress: '127.0.0.2',
      });
      expect(answer.status).toBe(200);
      expect(clientAddresses).toEqual(['127.0.0.2']);
    });

    test('/tls/allowed is not served to the world through Caddy', async () => {
      const answer = await requestThroughCaddy(caddyHttpsPort, 'autodiscover.example.com', pebbleRoot, {
        path: '/tls/allowed?domain=autodiscover.example.com',
      });
      expect(answer.status).toBe(404);
      expect(answer.body).toBe('');
    });

    test('plain HTTP through Caddy › answered by the service: Outlook’s probe redirected, autoconfig served', async () => {
      const get = (name: string, requestPath: string): Promise<{ status: number; location: string | undefined }> =>
        new Promise((resolve, reject) =>
          http
            .get({ host: '127.0.0.1', port: caddyHttpPort, path: requestPath, headers: { host: name } }, (res) => {
              res.resume();
              resolve({ status: res.statusCode ?? 0, location: res.headers.location });
            })
            .on('error', reject),
        );
      expect(await get('autodiscover.example.com', '/autodiscover/autodiscover.xml')).toEqual({
        status: 302,
        location: 'https://autodiscover.mamutmail.com/autodiscover/autodiscover.xml',
      });
      expect((await get('autoconfig.example.com', '/mail/config-v1.1.xml')).status).toBe(200);
    });
  },
);
