/** A port already taken at start-up (src/main.ts through tsx): one log line naming the setting and the fix, exit 1. */
import { rmSync } from 'node:fs';
import net from 'node:net';
import { freePort, startServiceProcess, writeConfigFolder, type ServiceProcess } from '../support/service-process';

jest.setTimeout(60_000);

/** Something else listening on a free loopback port, as another service would. */
async function occupiedPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const address = holder.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return { port: address.port, close: () => new Promise((resolve) => holder.close(() => resolve())) };
}

test.each<[string, (taken: number, free: number) => Record<string, unknown>, string]>([
  ['server.port (PORT)', (taken) => ({ server: { host: '127.0.0.1', port: taken } }), 'server.port (env PORT)'],
  [
    'metrics.port (METRICS_PORT)',
    (taken, free) => ({ server: { host: '127.0.0.1', port: free }, metrics: { port: taken } }),
    'metrics.port (env METRICS_PORT)',
  ],
])('%s taken › one fatal line with the setting and the fix, no stack, exit 1', async (_label, sections, setting) => {
  const taken = await occupiedPort();
  let folder: string | undefined;
  let started: ServiceProcess | undefined;
  try {
    const written = writeConfigFolder(sections(taken.port, await freePort()));
    folder = written.folder;
    started = startServiceProcess({ CONFIG_FILE: written.configFile });
    expect(await started.exited).toBe(1);
    const fatal = started.logLines().filter((line) => line['level'] === 60);
    expect(fatal).toEqual([
      expect.objectContaining({
        msg: `cannot listen on 127.0.0.1:${taken.port}: port ${taken.port} is already in use; stop what listens there, or set another port in ${setting}`,
        port: taken.port,
        code: 'EADDRINUSE',
      }),
    ]);
    expect(started.output()).not.toMatch(/"stack"|\n\s+at /);
  } finally {
    if (started !== undefined) {
      if (started.child.exitCode === null) started.child.kill('SIGKILL');
      await started.exited;
    }
    await taken.close();
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  }
});
