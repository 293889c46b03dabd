import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import request from 'supertest';
import { DirectoryUnavailableError, type AccountQuery } from '../../src/directory/account-directory';
import { HttpDirectory, type HttpDirectorySettings } from '../../src/directory/http-directory';
import { exampleApp } from '../support/app';

/** The account administration's endpoint, played by a real server on loopback. */
let server: Server;
let port: number;
const sockets = new Set<Socket>();
let respond: (res: ServerResponse, url: URL) => void;
let received: { url: URL; headers: IncomingHttpHeaders }[];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    received.push({ url, headers: req.headers });
    respond(res, url);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = [];
  respond = (res) => json(res, 200, { hosted: true, defaultAccessType: 'pop', account: null });
});

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function directory(overrides: Partial<HttpDirectorySettings> = {}): HttpDirectory {
  return new HttpDirectory({
    urlTemplate: `http://127.0.0.1:${port}/api/mail-directory?domain={domain}&address={address}`,
    timeoutMs: 2000,
    maxResponseBytes: 4096,
    ...overrides,
  });
}

const JANE: AccountQuery = { domain: 'example.com', address: 'jane+news@example.com' };

describe('answers', () => {
  test('a known mailbox › its own type and name; the values are percent-encoded into the template', async () => {
    respond = (res) =>
      json(res, 200, {
        hosted: true,
        defaultAccessType: 'pop',
        account: { accessType: 'business', displayName: 'Jane Doe' },
      });
    expect(await directory().lookup(JANE)).toEqual({
      hosted: true,
      accessType: 'business',
      mailbox: 'known',
      displayName: 'Jane Doe',
    });
    expect(received).toHaveLength(1);
    expect(received[0]?.url.search).toBe('?domain=example.com&address=jane%2Bnews%40example.com');
    expect(received[0]?.headers['accept']).toBe('application/json');
    expect(received[0]?.headers['authorization']).toBeUndefined();
  });

  test('an account without a display name › null', async () => {
    respond = (res) => json(res, 200, { hosted: true, defaultAccessType: 'pop', account: { accessType: 'business' } });
    expect(await directory().lookup(JANE)).toEqual({
      hosted: true,
      accessType: 'business',
      mailbox: 'known',
      displayName: null,
    });
  });

  test.each([
    ['account null', { hosted: true, defaultAccessType: 'business', account: null }],
    ['account absent', { hosted: true, defaultAccessType: 'business' }],
  ])('an unknown mailbox (%s) › the domain default', async (_name, body) => {
    respond = (res) => json(res, 200, body);
    expect(await directory().lookup(JANE)).toEqual({
      hosted: true,
      accessType: 'business',
      mailbox: 'unknown',
      displayName: null,
    });
  });

  test('a domain-only query › {address} is empty and any account is ignored', async () => {
    respond = (res) => json(res, 200, { hosted: true, defaultAccessType: 'business', account: { accessType: 'pop' } });
    expect(await directory().lookup({ domain: 'xn--bcher-kva.example', address: null })).toEqual({
      hosted: true,
      accessType: 'business',
      mailbox: 'not-asked',
      displayName: null,
    });
    expect(received[0]?.url.search).toBe('?domain=xn--bcher-kva.example&address=');
  });

  test('{"hosted": false} › not hosted', async () => {
    respond = (res) => json(res, 200, { hosted: false });
    expect(await directory().lookup(JANE)).toEqual({ hosted: false });
  });

  test('404 › not hosted, whatever the body', async () => {
    respond = (res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
    expect(await directory().lookup(JANE)).toEqual({ hosted: false });
  });

  test('extra keys in the answer › ignored', async () => {
    respond = (res) =>
      json(res, 200, { hosted: true, defaultAccessType: 'pop', account: null, plan: 'gold', updatedAt: 1 });
    expect(await directory().lookup(JANE)).toMatchObject({ hosted: true, mailbox: 'unknown' });
  });

  test('a platform › checked and carried in the answer; null › the provider-wide values', async () => {
    const platform = {
      name: 'hosting02',
      businessMail: { host: 'exchange02.example.net', windowsDomain: 'hosting02' },
    };
    respond = (res) => json(res, 200, { hosted: true, defaultAccessType: 'business', account: null, platform });
    expect(await directory().lookup(JANE)).toEqual({
      hosted: true,
      accessType: 'business',
      mailbox: 'unknown',
      displayName: null,
      platform,
    });
    respond = (res) => json(res, 200, { hosted: true, defaultAccessType: 'business', account: null, platform: null });
    expect(await directory().lookup(JANE)).not.toHaveProperty('platform');
  });

  test('a bearer token › sent as Authorization: Bearer', async () => {
    await directory({ bearerToken: 'tok_3f9a.b-c~' }).lookup(JANE);
    expect(received[0]?.headers['authorization']).toBe('Bearer tok_3f9a.b-c~');
  });

  test('a path placeholder › encoded as one path segment', async () => {
    await directory({ urlTemplate: `http://127.0.0.1:${port}/domains/{domain}/mailboxes/{address}` }).lookup({
      domain: 'example.com',
      address: 'a/b@example.com',
    });
    expect(received[0]?.url.pathname).toBe('/domains/example.com/mailboxes/a%2Fb%40example.com');
  });
});

describe('failures › DirectoryUnavailableError naming the host, never the address', () => {
  async function failure(settings: Partial<HttpDirectorySettings> = {}): Promise<DirectoryUnavailableError> {
    const error: unknown = await directory(settings)
      .lookup(JANE)
      .then(
        () => new Error('expected the lookup to fail'),
        (thrown: unknown) => thrown,
      );
    if (!(error instanceof DirectoryUnavailableError)) throw error;
    expect(error.message).not.toContain('jane');
    return error;
  }

  test.each([
    [500, 'Internal Server Error'],
    [503, 'Service Unavailable'],
    [401, 'Unauthorized'],
    [403, 'Forbidden'],
  ])('HTTP %i › unavailable', async (status, text) => {
    respond = (res) => res.writeHead(status).end(text);
    expect((await failure()).message).toBe(
      `HTTP directory at 127.0.0.1:${port} answered HTTP ${status}; expected 200 or 404`,
    );
  });

  test('a platform the checks refuse › unavailable, naming the domain and the key', async () => {
    respond = (res) =>
      json(res, 200, {
        hosted: true,
        defaultAccessType: 'business',
        platform: { name: 'hosting02', businessMail: { windowsDomain: 'hosting 02', owaUrl: 'ftp://x' } },
      });
    expect((await failure()).message).toBe(
      `HTTP directory at 127.0.0.1:${port} answered a platform (domain "example.com"): businessMail.owaUrl must be an absolute https:// URL such as "https://mail.example.com/owa/", got "ftp://x"; ` +
        `HTTP directory at 127.0.0.1:${port} answered a platform (domain "example.com"): businessMail.windowsDomain must be a NetBIOS/DNS domain such as "hosting01", got "hosting 02"`,
    );
  });

  test('no answer within the timeout › unavailable', async () => {
    respond = () => undefined; // never answers; the socket is destroyed in afterAll
    expect((await failure({ timeoutMs: 200 })).message).toBe(
      `HTTP directory at 127.0.0.1:${port} did not answer within 200 ms`,
    );
  });

  test('headers in time, body too slow › unavailable', async () => {
    respond = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"hosted": true, ');
    };
    expect((await failure({ timeoutMs: 200 })).message).toBe(
      `HTTP directory at 127.0.0.1:${port} did not answer within 200 ms`,
    );
  });

  test('a body that is not JSON › unavailable', async () => {
    respond = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"hosted": tru');
    expect((await failure()).message).toBe(`HTTP directory at 127.0.0.1:${port} answered a body that is not JSON`);
  });

  test.each([
    [
      'an unknown access type',
      { hosted: true, defaultAccessType: 'imap' },
      'response: defaultAccessType must be "pop" (POP access) or "business" (Business Mail)',
    ],
    ['no hosted flag', { defaultAccessType: 'pop' }, 'response: hosted'],
    [
      'a control character in a display name',
      { hosted: true, defaultAccessType: 'pop', account: { accessType: 'pop', displayName: 'a\u0007b' } },
      'account.displayName must not contain control characters',
    ],
    ['an array', [], 'response:'],
  ])('%s › unavailable, with the reason', async (_name, body, reason) => {
    respond = (res) => json(res, 200, body);
    expect((await failure()).message).toContain(reason);
  });

  test('a declared body over maxResponseBytes › unavailable', async () => {
    respond = (res) =>
      json(res, 200, { hosted: true, defaultAccessType: 'pop', account: null, padding: 'x'.repeat(5000) });
    expect((await failure()).message).toBe(
      `HTTP directory at 127.0.0.1:${port} answered more than 4096 bytes (directory.maxResponseBytes)`,
    );
  });

  test('a chunked body growing past maxResponseBytes › unavailable, stops reading', async () => {
    respond = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"hosted": true, "defaultAccessType": "pop", "padding": "${'x'.repeat(3000)}`);
      res.write('x'.repeat(3000));
      // never ends: the reader must give up on size, not wait for the end
    };
    expect((await failure()).message).toBe(
      `HTTP directory at 127.0.0.1:${port} answered more than 4096 bytes (directory.maxResponseBytes)`,
    );
  });

  test('a redirect › unavailable (the token is never sent elsewhere)', async () => {
    respond = (res) => res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end();
    expect((await failure({ bearerToken: 'secret' })).message).toBe(
      `HTTP directory at 127.0.0.1:${port} answered HTTP 302; expected 200 or 404`,
    );
  });

  test('nothing listening › unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect((await failure({ urlTemplate: `http://127.0.0.1:${closedPort}/api?domain={domain}` })).message).toBe(
      `HTTP directory at 127.0.0.1:${closedPort} cannot be reached (ECONNREFUSED)`,
    );
  });
});

test('through the app › settings while the endpoint answers, 603/503 while it fails', async () => {
  // Cache off: every request asks the endpoint, which is what this test is about.
  const app = exampleApp({
    directory: directory(),
    config: (config) => ({ ...config, cache: { ...config.cache, ttlSeconds: 0, negativeTtlSeconds: 0 } }),
  });
  respond = (res) => json(res, 200, { hosted: true, defaultAccessType: 'pop', account: { accessType: 'business' } });
  expect((await request(app).get('/mail/config-v1.1.xml?emailaddress=jane%40example.com')).status).toBe(200);
  respond = (res) => res.writeHead(500).end('stack trace at Object.<anonymous> (/srv/admin/api.js:1:2)');
  const failed = await request(app).get('/mail/config-v1.1.xml?emailaddress=jane%40example.com');
  expect(failed.status).toBe(503);
  expect(failed.text).not.toContain('api.js');
  expect(
    (await request(app).get('/autodiscover/autodiscover.json/v1.0/jane@example.com?Protocol=AutodiscoverV1')).status,
  ).toBe(503);
});
