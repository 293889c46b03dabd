/**
 * The real process: start-up validation, SIGTERM draining an in-flight request, and a second
 * signal exiting at once. Runs src/main.ts through tsx (`node --import tsx`), as `npm start` runs the
 * built copy.
 */
import net from 'node:net';
import { answerAcrossSignal, freePort, startServiceProcess as start, waitForOutput } from '../support/service-process';

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

  // Headers and half the body, then SIGTERM, then the rest: the answer must still come.
  const { status, body } = await answerAcrossSignal(port, () => started.child.kill('SIGTERM'));
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
