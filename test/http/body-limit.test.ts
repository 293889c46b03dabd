/**
 * Bodies over the cap are refused at once: a declared Content-Length over the cap gets the protocol's
 * 413 answer before any of the body is sent, a chunked body the moment it passes the cap, and the
 * connection is closed instead of drained (issue 9, item 2). Both the fast lane and Express's router.
 */
import http from 'node:http';
import net from 'node:net';
import type { AppConfig } from '../../src/config/schema';
import { createListeners } from '../../src/http/listeners';
import { exampleApp, exampleConfig } from '../support/app';
import { autodiscoverRequestBody } from '../support/hostile';

const ADMIN_TOKEN = 'body-limit-test-admin-token-0123456789';

/** Far below the server's request timeout: an answer this late was waiting for the body. */
const ANSWERED_WITHIN_MS = 3000;

interface RawExchange {
  /** Everything the server wrote before closing. */
  readonly received: string;
}

/**
 * Writes `head` (and then `chunks`, one per tick, until the server answers) on a new connection,
 * never finishing the body, and resolves when the server closes the connection.
 */
function sendUnfinished(port: number, head: string, chunks: readonly string[] = []): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(head);
      let at = 0;
      const writeNext = (): void => {
        const chunk = chunks[at++];
        if (chunk === undefined || received !== '') return;
        socket.write(chunk, () => setTimeout(writeNext, 5));
      };
      writeNext();
    });
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${ANSWERED_WITHIN_MS} ms; received: ${JSON.stringify(received)}`));
    }, ANSWERED_WITHIN_MS);
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', (error) => {
      clearTimeout(guard);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(guard);
      resolve({ received });
    });
  });
}

function headOf(path: string, headers: readonly string[]): string {
  return [`POST ${path} HTTP/1.1`, 'Host: autodiscover.example.com', ...headers, '', ''].join('\r\n');
}

/** A normal Autodiscover POST on its own keep-alive connection, answered while others are refused. */
function normalPost(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/autodiscover/autodiscover.xml', agent: false },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(autodiscoverRequestBody('pop.user@example.com', 'outlook'));
  });
}

/** `count` chunks of a chunked body, each carrying `data`. */
function chunksOf(data: string, count: number): string[] {
  return Array.from({ length: count }, () => `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`);
}

/** The server answered `status` (with `bodyText` in its body), said so and closed the connection. */
function expectAnsweredAndClosed(received: string, status: number, bodyText = ''): void {
  expect(received.slice(0, 13)).toBe(`HTTP/1.1 ${status} `);
  expect(received).toMatch(/^Connection: close\r$/im);
  expect(received).toContain(bodyText);
}

/**
 * The example app with the admin API on, served by the production listeners on loopback for the
 * enclosing describe; `port` is set once it listens.
 */
function serveOnLoopback(fastLane: boolean, configure: (config: AppConfig) => AppConfig): { port: number } {
  const served = { port: 0 };
  let server: http.Server;
  beforeAll(async () => {
    const app = exampleApp({
      fastLane,
      config: (config) => configure({ ...config, admin: { ...config.admin, token: ADMIN_TOKEN } }),
    });
    const [listener] = createListeners(app, exampleConfig().config, null);
    if (listener === undefined) throw new Error('no listener');
    server = listener.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    served.port = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return served;
}

describe.each([true, false])('body over the cap (fast lane: %s)', (fastLane) => {
  const maxBodyBytes = exampleConfig().config.server.maxBodyBytes;
  const server = serveOnLoopback(fastLane, (config) => config);
  const port = (): number => server.port;

  test('Autodiscover, Content-Length: 1000000000 and no body › 413 Autodiscover error at once, connection closed', async () => {
    const refused = sendUnfinished(
      port(),
      headOf('/autodiscover/autodiscover.xml', ['Content-Type: text/xml', 'Content-Length: 1000000000']),
    );
    const normal = await normalPost(port());
    const { received } = await refused;
    expectAnsweredAndClosed(received, 413, '<ErrorCode>600</ErrorCode>');
    expect(normal.status).toBe(200);
    expect(normal.body).toContain('<Type>IMAP</Type>');
  });

  test('Autodiscover, Expect: 100-continue with Content-Length over the cap › 413 at once, no 100 Continue', async () => {
    const { received } = await sendUnfinished(
      port(),
      headOf('/autodiscover/autodiscover.xml', [
        'Content-Type: text/xml',
        'Content-Length: 1000000000',
        'Expect: 100-continue',
      ]),
    );
    expect(received).not.toContain('100 Continue');
    expectAnsweredAndClosed(received, 413, '<ErrorCode>600</ErrorCode>');
  });

  test('Autodiscover, Expect: 100-continue within the cap › 100 Continue, then the answer', async () => {
    const body = autodiscoverRequestBody('pop.user@example.com', 'outlook');
    const answer = await new Promise<string>((resolve, reject) => {
      let received = '';
      const socket = net.connect(port(), '127.0.0.1', () => {
        socket.write(
          headOf('/autodiscover/autodiscover.xml', [
            'Content-Type: text/xml',
            `Content-Length: ${Buffer.byteLength(body)}`,
            'Expect: 100-continue',
            'Connection: close',
          ]),
        );
      });
      socket.on('data', (chunk: Buffer) => {
        const first = received === '';
        received += chunk.toString('latin1');
        if (first && received.startsWith('HTTP/1.1 100 Continue')) socket.write(body);
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(received));
    });
    expect(answer.startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 ')).toBe(true);
    expect(answer).toContain('<Type>IMAP</Type>');
  });

  test('Autodiscover, chunked body passing the cap › 413 Autodiscover error then, connection closed', async () => {
    const chunks = chunksOf('x'.repeat(1024), 64);
    const refused = sendUnfinished(
      port(),
      headOf('/autodiscover/autodiscover.xml', ['Content-Type: text/xml', 'Transfer-Encoding: chunked']),
      chunks,
    );
    const normal = await normalPost(port());
    const { received } = await refused;
    expectAnsweredAndClosed(received, 413, '<ErrorCode>600</ErrorCode>');
    expect(normal.status).toBe(200);
    expect(maxBodyBytes).toBeLessThan(64 * 1024);
  });

  test('admin API, Content-Length: 1000000000 › 413 in its JSON format at once, connection closed', async () => {
    const { received } = await sendUnfinished(
      port(),
      headOf('/admin/cache/invalidate', [
        `Authorization: Bearer ${ADMIN_TOKEN}`,
        'Content-Type: application/json',
        'Content-Length: 1000000000',
      ]),
    );
    expectAnsweredAndClosed(received, 413, '"error":"InputValidationError"');
  });

  test('admin API, chunked body passing 1 KiB › 413 in its JSON format then, connection closed', async () => {
    const chunks = chunksOf(`{"address":"${'a'.repeat(300)}`, 64);
    const { received } = await sendUnfinished(
      port(),
      headOf('/admin/cache/invalidate', [
        `Authorization: Bearer ${ADMIN_TOKEN}`,
        'Content-Type: application/json',
        'Transfer-Encoding: chunked',
      ]),
      chunks,
    );
    expectAnsweredAndClosed(received, 413, '"error":"InputValidationError"');
  });
});

describe.each([true, false])('an answer before the body is read (fast lane: %s)', (fastLane) => {
  const server = serveOnLoopback(fastLane, (config) => ({
    ...config,
    rateLimit: { enabled: true, points: 1, durationSeconds: 60, allowlist: [] },
  }));
  const port = (): number => server.port;

  test('admin API without a token, Content-Length: 1000000000 › 401 at once, connection closed, not drained', async () => {
    const { received } = await sendUnfinished(
      port(),
      headOf('/admin/cache/invalidate', ['Content-Type: application/json', 'Content-Length: 1000000000']),
    );
    expectAnsweredAndClosed(received, 401);
  });

  test('Autodiscover over the rate limit, Content-Length: 1000000000 › 429 at once, connection closed', async () => {
    expect((await normalPost(port())).status).toBe(200);
    const { received } = await sendUnfinished(
      port(),
      headOf('/autodiscover/autodiscover.xml', ['Content-Type: text/xml', 'Content-Length: 1000000000']),
    );
    expectAnsweredAndClosed(received, 429, '<ErrorCode>603</ErrorCode>');
  });
});
