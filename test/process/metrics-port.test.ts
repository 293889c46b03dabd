/** metrics.port in a single process (src/main.ts through tsx): /metrics there alone, and it closes with the service. */
import { rmSync } from 'node:fs';
import {
  freePort,
  requestOnNewConnection,
  startServiceProcess,
  waitForLogLine,
  writeConfigFolder,
} from '../support/service-process';

jest.setTimeout(60_000);

test('metrics on a port of their own › served there, not on the service port; both stop on SIGTERM', async () => {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const { folder, configFile } = writeConfigFolder({
    server: { host: '127.0.0.1', port, shutdownTimeoutMs: 2_000 },
    metrics: { port: metricsPort },
  });
  const started = startServiceProcess({ CONFIG_FILE: configFile });
  try {
    await waitForLogLine(started, 'mail-autodiscover listening', (line) => line['port'] === metricsPort);
    await waitForLogLine(started, 'mail-autodiscover listening', (line) => line['port'] === port);
    const answer = await requestOnNewConnection(port, {
      path: '/mail/config-v1.1.xml?emailaddress=pop.user%40example.com',
    });
    expect(answer.status).toBe(200);
    const metrics = await requestOnNewConnection(metricsPort, { path: '/metrics' });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain(
      'mail_autodiscover_requests_total{protocol="autoconfig",outcome="settings",access_type="pop"} 1',
    );
    expect((await requestOnNewConnection(metricsPort, { path: '/healthz' })).status).toBe(404);
    expect((await requestOnNewConnection(port, { path: '/metrics' })).status).toBe(404);
    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
  } finally {
    if (started.child.exitCode === null) started.child.kill('SIGKILL');
    await started.exited;
    rmSync(folder, { recursive: true, force: true });
  }
});
