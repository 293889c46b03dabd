/**
 * server.https.certificateDirectory on the real entry point, with two cluster workers
 * (docs/protocols.md §12.2): a renewed certificate is served on new connections by every worker,
 * without a restart.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { freePort, startServiceProcess, waitForLogLine, writeConfigFolder } from '../support/service-process';
import { selfSignedPairFor, servedNames, writePair } from '../support/tls';

test('a certbot renewal in the certificate directory › every worker serves the new certificate, no restart', async () => {
  const [port, httpsPort] = await Promise.all([freePort(), freePort()]);
  const { folder, configFile } = writeConfigFolder({
    server: { host: '127.0.0.1', port, https: { port: httpsPort, certificateDirectory: 'letsencrypt' } },
  });
  const live = path.join(folder, 'letsencrypt', 'live', 'autodiscover.example.com');
  writePair(live, await selfSignedPairFor(['autodiscover.example.com']), 'certbot');
  const started = startServiceProcess({ CONFIG_FILE: configFile, WORKERS: '2' });
  try {
    await waitForLogLine(started, 'cluster: every worker is listening');
    const pid = started.child.pid;
    expect(await servedNames(httpsPort, 'autodiscover.example.com')).toBe('DNS:autodiscover.example.com');

    writePair(live, await selfSignedPairFor(['autodiscover.example.com', 'renewed.example.com']), 'certbot');
    const reloads = (): number => started.logLines().filter((line) => line.msg === 'certificates reloaded').length;
    const deadline = Date.now() + 10_000;
    while (reloads() < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reloads()).toBe(2);
    // Each new connection goes to the next worker: both answer with the renewed pair.
    for (let i = 0; i < 4; i += 1)
      expect(await servedNames(httpsPort, 'autodiscover.example.com')).toBe(
        'DNS:autodiscover.example.com, DNS:renewed.example.com',
      );
    expect(started.child.pid).toBe(pid);
    expect(started.child.exitCode).toBeNull();
  } finally {
    if (started.child.exitCode === null) started.child.kill('SIGKILL');
    await started.exited;
    rmSync(folder, { recursive: true, force: true });
  }
}, 30_000);
