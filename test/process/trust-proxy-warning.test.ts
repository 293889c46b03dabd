import { rmSync } from 'node:fs';
import {
  freePort,
  startServiceProcess,
  waitForLogLine,
  writeConfigFolder,
  type LogLine,
  type ServiceProcess,
} from '../support/service-process';

const HAZARD = 'any client that reaches the service directly can set X-Forwarded-For';
const warnings = (started: ServiceProcess): LogLine[] => started.logLines().filter((line) => line.msg.includes(HAZARD));

/** The real entry point with `server.trustProxy` set; runs `check` once it is ready (or has exited), then stops it. */
async function withService(
  trustProxy: unknown,
  workers: string,
  check: (started: ServiceProcess) => Promise<void>,
): Promise<void> {
  const port = await freePort();
  const { folder, configFile } = writeConfigFolder({ server: { host: '127.0.0.1', port, trustProxy } });
  const started = startServiceProcess({ CONFIG_FILE: configFile, WORKERS: workers });
  try {
    await check(started);
  } finally {
    if (started.child.exitCode === null) started.child.kill('SIGKILL');
    await started.exited;
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('server.trustProxy at start-up (the real entry point)', () => {
  test.each([true, 2])('%j › one warning naming the hazard and the fix, then serves', async (trustProxy) => {
    await withService(trustProxy, '1', async (started) => {
      await waitForLogLine(started, 'mail-autodiscover listening');
      const [warning, ...more] = warnings(started);
      expect(more).toHaveLength(0);
      expect(warning).toMatchObject({ level: 40, trustProxy });
      expect(warning?.msg).toContain('set it to the proxies’ own addresses');
    });
  });

  test('true with 2 workers › warned once, by the primary, not once per worker', async () => {
    await withService(true, '2', async (started) => {
      await waitForLogLine(started, 'cluster: every worker is listening');
      expect(warnings(started)).toHaveLength(1);
    });
  });

  test('["loopback"] › serves without a warning', async () => {
    await withService(['loopback'], '1', async (started) => {
      await waitForLogLine(started, 'mail-autodiscover listening');
      expect(warnings(started)).toHaveLength(0);
    });
  });

  test('an invalid entry › exits 1 before listening, naming the key, the entry and the fix', async () => {
    await withService(['loopback', '10.0.0.0/33'], '1', async (started) => {
      expect(await started.exited).toBe(1);
      expect(started.output()).toContain('server.trustProxy entry "10.0.0.0/33" is not usable');
      expect(started.output()).toContain('CIDR subnets such as "10.0.0.0/8"');
      expect(started.output()).not.toContain('mail-autodiscover listening');
    });
  });
});
