/** A port already taken at start-up (src/main.ts through tsx): one log line naming the setting and the fix, exit 1. */
import { rmSync } from 'node:fs';
import net from 'node:net';
import { freePort, startServiceProcess, writeConfigFolder, type ServiceProcess } from '../support/service-process';

jest.setTimeout(60_000);

/**
 * Starts the service with `sections(taken, free)` while another listener holds the port `taken`,
 * waits for it to exit and hands it to `check`; cleans up whatever happens.
 */
async function startWithPortTaken(
  sections: (taken: number, free: number) => Record<string, unknown>,
  env: Record<string, string>,
  check: (started: ServiceProcess, taken: number) => void,
): Promise<void> {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const address = holder.address();
  let folder: string | undefined;
  let started: ServiceProcess | undefined;
  try {
    if (typeof address !== 'object' || address === null) throw new Error('no port');
    const written = writeConfigFolder(sections(address.port, await freePort()));
    folder = written.folder;
    started = startServiceProcess({ CONFIG_FILE: written.configFile, ...env });
    expect(await started.exited).toBe(1);
    // Nothing but log lines: no stack on stderr, no false report of a log lost at exit.
    expect(
      started
        .output()
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('{')),
    ).toEqual([]);
    expect(started.output()).not.toMatch(/"stack"/);
    check(started, address.port);
  } finally {
    if (started !== undefined) {
      if (started.child.exitCode === null) started.child.kill('SIGKILL');
      await started.exited;
    }
    await new Promise((resolve) => holder.close(resolve));
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  }
}

test.each<[string, (taken: number, free: number) => Record<string, unknown>, string]>([
  ['server.port (PORT)', (taken) => ({ server: { host: '127.0.0.1', port: taken } }), 'server.port (env PORT)'],
  [
    'metrics.port (METRICS_PORT)',
    (taken, free) => ({ server: { host: '127.0.0.1', port: free }, metrics: { port: taken } }),
    'metrics.port (env METRICS_PORT)',
  ],
])('%s taken › one fatal line with the setting and the fix, no stack, exit 1', (_label, sections, setting) =>
  startWithPortTaken(sections, {}, (started, taken) => {
    expect(started.logLines().filter((line) => line['level'] === 60)).toEqual([
      expect.objectContaining({
        msg: `cannot listen on 127.0.0.1:${taken}: port ${taken} is already in use; stop what listens there, or set another port in ${setting}`,
        port: taken,
        code: 'EADDRINUSE',
      }),
    ]);
  }),
);

test('server.port taken with WORKERS=2 › each worker that fails says so in one line, exit 1', () =>
  startWithPortTaken(
    (taken) => ({ server: { host: '127.0.0.1', port: taken } }),
    { WORKERS: '2' },
    (started) => {
      const workerLines = started.logLines().filter((line) => line['code'] === 'EADDRINUSE');
      expect(workerLines.length).toBeGreaterThanOrEqual(1);
      for (const line of workerLines) expect(line.msg).toMatch(/is already in use; .* server\.port \(env PORT\)$/);
    },
  ));
