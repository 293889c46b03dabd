/**
 * The real process: start-up validation, SIGTERM draining an in-flight request, and a second
 * signal exiting at once. Runs src/main.ts through tsx, as `npm start` runs the built copy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from '../support/app';

const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  const child = spawn(TSX, ['src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForOutput(started: Started, text: string): Promise<void> {
  for (let i = 0; i < 200 && !started.output().includes(text); i++) await new Promise((r) => setTimeout(r, 50));
  if (!started.output().includes(text))
    throw new Error(`process never printed ${JSON.stringify(text)}:\n${started.output()}`);
}

const OUTLOOK_REQUEST =
  '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>pop.user@example.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>';

test('invalid config › exits 1 listing every problem with its key', async () => {
  const started = start({ PORT: '99999', LOG_LEVEL: 'loud' });
  expect(await started.exited).toBe(1);
  expect(started.output()).toContain('PORT must be a TCP port from 1 to 65535, got "99999"');
  expect(started.output()).toContain('log.level');
});

test('SIGTERM › finishes the in-flight request, then exits 0', async () => {
  const port = await freePort();
  const started = start({ PORT: String(port), HOST: '127.0.0.1' });
  await waitForOutput(started, 'listening');

  // Send the headers and half the body, signal, then finish the body: the answer must still come.
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/autodiscover/autodiscover.xml',
        headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(OUTLOOK_REQUEST) },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.write(OUTLOOK_REQUEST.slice(0, 100));
    setTimeout(() => {
      started.child.kill('SIGTERM');
      setTimeout(() => req.end(OUTLOOK_REQUEST.slice(100)), 300);
    }, 200);
  });

  const { status, body } = await answer;
  expect(status).toBe(200);
  expect(body).toContain('<Type>IMAP</Type>');
  expect(await started.exited).toBe(0);
  expect(started.output()).toContain('shutting down');
  expect(started.output()).toContain('stopped');
});

test('second signal › exits at once with 130', async () => {
  const port = await freePort();
  const started = start({ PORT: String(port), HOST: '127.0.0.1' });
  await waitForOutput(started, 'listening');
  // An open request keeps the first shutdown waiting, so only the second signal can end it quickly.
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write('POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n<Auto');
  await new Promise((r) => setTimeout(r, 100));
  started.child.kill('SIGTERM');
  await waitForOutput(started, 'shutting down');
  started.child.kill('SIGTERM');
  expect(await started.exited).toBe(130);
  socket.destroy();
});
