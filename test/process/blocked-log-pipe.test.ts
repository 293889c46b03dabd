/**
 * Stdout into a pipe nobody reads (a stalled log shipper): the service keeps answering, and SIGTERM
 * still ends it within server.shutdownTimeoutMs, saying on stderr how many log
 * lines it had to drop. On the real entry point (src/main.ts through tsx).
 */
import { closeSync, rmSync } from 'node:fs';
import {
  freePort,
  requestOnNewConnection,
  startServiceProcess,
  unreadPipe,
  waitForOutput,
  writeConfigFolder,
} from '../support/service-process';

jest.setTimeout(60_000);

const SHUTDOWN_TIMEOUT_MS = 3_000;
/** About 300 bytes of log each: several times the 64 KiB the pipe holds. */
const REQUESTS = 400;

describe.each([
  ['one process', '1'],
  ['a cluster of 2 workers', '2'],
])('stdout into a pipe never read, %s', (_mode, workers) => {
  test('answers every request, then SIGTERM exits 0 within shutdownTimeoutMs and reports the dropped lines', async () => {
    const port = await freePort();
    const { folder, configFile } = writeConfigFolder({
      server: { host: '127.0.0.1', port, shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS },
      rateLimit: { enabled: false },
    });
    const stdoutFd = unreadPipe();
    const started = startServiceProcess({ CONFIG_FILE: configFile, WORKERS: workers }, { stdoutFd });
    try {
      // Its "listening" line goes to the unread pipe: wait for the port to answer instead.
      // Its "listening" line goes to the unread pipe: wait for the port to answer instead.
      await waitForAnswer(port);

      for (let sent = 0; sent < REQUESTS; sent++) {
        const { status } = await requestOnNewConnection(port, {
          path: '/mail/config-v1.1.xml?emailaddress=pop.user@example.com',
        });
        expect(status).toBe(200);
      }

      const signalledAt = Date.now();
      started.child.kill('SIGTERM');
      const code = await Promise.race([started.exited, timeout(SHUTDOWN_TIMEOUT_MS + 10_000)]);
      const tookMs = Date.now() - signalledAt;
      expect({ code, withinShutdownTimeout: tookMs < SHUTDOWN_TIMEOUT_MS }).toEqual({
        code: 0,
        withinShutdownTimeout: true,
      });
      await waitForOutput(started, 'bytes of log unwritten at exit');
      expect(started.output()).toMatch(
        /stdout stopped taking the log: \d+ log lines dropped, [1-9]\d* bytes of log unwritten at exit/,
      );
    } finally {
      // Only SIGKILL ends a service hung on its log: never leave one behind.
      if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill('SIGKILL');
      closeSync(stdoutFd);
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

async function waitForAnswer(port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await requestOnNewConnection(port, { path: '/healthz' });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function timeout(ms: number): Promise<'timed out'> {
  return new Promise((resolve) => setTimeout(() => resolve('timed out'), ms).unref());
}
