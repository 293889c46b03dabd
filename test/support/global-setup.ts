import net from 'node:net';

/**
 * Probes the real backends once per run. Tests that need one use `describeWithRedis` /
 * `describeWithPostgres` (test/support/backends.ts). Without a backend those suites are skipped and
 * say so here; under CI=true a missing backend fails the run instead.
 */
export default async function globalSetup(): Promise<void> {
  const backends = [
    { name: 'Redis', env: 'TEST_REDIS_URL', url: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379' },
    {
      name: 'PostgreSQL',
      env: 'TEST_POSTGRES_URL',
      url: process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
  ];
  const missing: string[] = [];
  for (const backend of backends) {
    const url = new URL(backend.url);
    const reachable = await canConnect(url.hostname, Number(url.port));
    if (reachable) {
      process.env[backend.env] = backend.url;
    } else {
      Reflect.deleteProperty(process.env, backend.env);
      missing.push(`${backend.name} at ${url.host}`);
    }
  }
  if (missing.length === 0) return;
  const list = missing.join(', ');
  if (process.env['CI'] === 'true') {
    throw new Error(`CI=true but ${list} is not reachable; .ci/run starts the services the tests need`);
  }
  process.stderr.write(
    `\n[backends] SKIPPING the integration suites for ${list}: not reachable. Start it and rerun (see README "Tests").\n`,
  );
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}
