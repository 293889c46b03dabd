/**
 * Cluster mode, on the real entry point (src/main.ts through tsx) with WORKERS=2: both workers answer,
 * a killed worker is replaced, the per-IP budget is one across workers (with and without Redis), an
 * admin invalidation reaches every worker's in-process cache, SIGTERM drains and exits 0 within the
 * shutdown bound, and a worker that cannot start stops the primary instead of looping.
 */
import { rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { invalidationChannelOf } from '../../src/cache/redis-format';
import { describeWithRedis, TEST_REDIS_URL, uniqueTestNamespace } from '../support/backends';
import {
  answerAcrossSignal,
  freePort,
  requestOnNewConnection,
  startServiceProcess,
  waitForLogLine,
  waitForOutput,
  writeConfigFolder,
  type LogLine,
  type PlainAnswer,
  type ServiceProcess,
} from '../support/service-process';

jest.setTimeout(90_000);

const AUTOCONFIG = (address: string): string => `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`;
const SHUTDOWN_TIMEOUT_MS = 3_000;

interface Cluster {
  readonly started: ServiceProcess;
  readonly port: number;
  readonly workerPids: readonly number[];
  readonly folder: string;
}

/** Starts WORKERS=2 on the example config with `sections` replaced; resolves once every worker listens. */
async function startCluster(
  sections: Record<string, unknown>,
  env: Record<string, string> = {},
  options: { ownProcessGroup?: boolean } = {},
): Promise<Cluster> {
  const port = await freePort();
  const { folder, configFile } = writeConfigFolder({
    ...sections,
    server: { host: '127.0.0.1', port, shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS },
  });
  const started = startServiceProcess({ CONFIG_FILE: configFile, WORKERS: '2', ...env }, options);
  const ready = await waitForLogLine(started, 'cluster: every worker is listening');
  return { started, port, workerPids: ready['workerPids'] as number[], folder };
}

async function stopCluster(cluster: Cluster | undefined): Promise<void> {
  if (cluster === undefined) return;
  if (cluster.started.child.exitCode === null) cluster.started.child.kill('SIGKILL');
  await cluster.started.exited;
  rmSync(cluster.folder, { recursive: true, force: true });
}

let requestCounter = 0;

/** A request on a connection of its own with a fresh X-Request-Id, and the pid of the worker that logged it. */
async function requestAndWorker(
  cluster: Cluster,
  options: { path: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<PlainAnswer & { readonly pid: number }> {
  const id = `cluster-test-${process.pid}-${++requestCounter}`;
  const answer = await requestOnNewConnection(cluster.port, {
    ...options,
    headers: { ...options.headers, 'x-request-id': id },
  });
  const line = await waitForLogLine(cluster.started, 'request completed', (logged) => requestIdOf(logged) === id);
  return { ...answer, pid: line.pid };
}

function requestIdOf(line: LogLine): unknown {
  const req = line['req'];
  return typeof req === 'object' && req !== null ? (req as Record<string, unknown>)['id'] : undefined;
}

/** Sends requests one connection each until both given workers answered; returns every answer. */
async function untilBothAnswer(
  cluster: Cluster,
  pids: readonly number[],
  path: string,
): Promise<Array<PlainAnswer & { readonly pid: number }>> {
  const answers: Array<PlainAnswer & { readonly pid: number }> = [];
  while (!pids.every((pid) => answers.some((answer) => answer.pid === pid))) {
    if (answers.length >= 20) throw new Error(`20 requests did not reach workers ${pids.join(', ')}`);
    answers.push(await requestAndWorker(cluster, { path }));
  }
  return answers;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('WORKERS=2, example config', () => {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster({});
  });
  afterAll(() => stopCluster(cluster));
  const running = (): Cluster => {
    if (cluster === undefined) throw new Error('the cluster did not start');
    return cluster;
  };

  test('two worker processes, both answering (connections are handed out in turn)', async () => {
    const { workerPids, started } = running();
    expect(new Set(workerPids).size).toBe(2);
    expect(workerPids).not.toContain(started.child.pid);
    const answers = await untilBothAnswer(running(), workerPids, AUTOCONFIG('pop.user@example.com'));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('<incomingServer type="imap">');
    }
  });

  test('a worker killed outright › replaced by a new one, which answers', async () => {
    const { workerPids, started } = running();
    const [victim = 0, survivor = 0] = workerPids;
    process.kill(victim, 'SIGKILL');
    const died = await waitForLogLine(started, 'cluster: worker exited unexpectedly; starting a replacement');
    expect(died).toMatchObject({ workerPid: victim, signal: 'SIGKILL', restartInMs: 100 });
    const replacement = await waitForLogLine(
      started,
      'mail-autodiscover listening',
      (line) => !workerPids.includes(line.pid),
    );
    expect(isAlive(victim)).toBe(false);
    const answers = await untilBothAnswer(running(), [survivor, replacement.pid], AUTOCONFIG('pop.user@example.com'));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
  });

  test('SIGTERM › the workers finish in-flight requests, then everything exits 0 within the shutdown bound', async () => {
    const { started, port } = running();
    const workers = started
      .logLines()
      .filter((line) => line.msg === 'mail-autodiscover listening')
      .map((line) => line.pid);
    const signalledAt = Date.now();
    const { status, body } = await answerAcrossSignal(port, () => started.child.kill('SIGTERM'));
    expect(status).toBe(200);
    expect(body).toContain('<Type>IMAP</Type>');
    expect(await started.exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 5_000);
    const lines = started.logLines();
    const stoppedPids = lines.filter((line) => line.msg === 'stopped').map((line) => line.pid);
    // Every live worker drained and stopped, then the primary.
    expect(lines.filter((line) => line.msg === 'shutting down: draining in-flight requests')).toHaveLength(2);
    expect(stoppedPids).toHaveLength(3);
    expect(stoppedPids.at(-1)).toBe(started.child.pid);
    for (const pid of workers) expect(isAlive(pid)).toBe(false);
  });
});

test('WORKERS=2, SIGINT to the whole process group (Ctrl-C) › counts as one signal: drained, exit 0', async () => {
  const cluster = await startCluster({}, {}, { ownProcessGroup: true });
  try {
    const pid = cluster.started.child.pid ?? 0;
    // Primary and workers each get SIGINT, and the primary relays it too: no worker may take that for a second one.
    const { status, body } = await answerAcrossSignal(cluster.port, () => process.kill(-pid, 'SIGINT'));
    expect(status).toBe(200);
    expect(body).toContain('<Type>IMAP</Type>');
    expect(await cluster.started.exited).toBe(0);
    expect(cluster.started.output()).not.toContain('second signal');
  } finally {
    await stopCluster(cluster);
  }
});

/** Sends `count` requests from 127.0.0.1, `parallel` connections at a time, each on its own connection. */
async function burstFromOneClient(
  cluster: Cluster,
  count: number,
  parallel: number,
): Promise<Array<PlainAnswer & { readonly pid: number }>> {
  const answers: Array<PlainAnswer & { readonly pid: number }> = [];
  for (let sent = 0; sent < count; sent += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - sent) }, () =>
      requestAndWorker(cluster, { path: AUTOCONFIG('pop.user@example.com') }),
    );
    answers.push(...(await Promise.all(batch)));
  }
  return answers;
}

const RATE_LIMIT = { enabled: true, points: 10, durationSeconds: 600 };

/** 30 requests against a budget of 10: one budget for the instance means exactly 10 answers and 20 refusals. */
async function expectOneBudget(cluster: Cluster): Promise<void> {
  const answers = await burstFromOneClient(cluster, 30, 5);
  const statuses = answers.map((answer) => answer.status);
  expect(statuses.filter((status) => status === 200)).toHaveLength(10);
  expect(statuses.filter((status) => status === 429)).toHaveLength(20);
  // Both workers took part in spending it (per-worker budgets would have let 20 through).
  expect(new Set(answers.map((answer) => answer.pid))).toEqual(new Set(cluster.workerPids));
}

describe('WORKERS=2, rate limit without Redis', () => {
  let cluster: Cluster | undefined;
  afterAll(() => stopCluster(cluster));

  test('one per-IP budget across workers, counted in the primary', async () => {
    cluster = await startCluster({ rateLimit: RATE_LIMIT });
    await expectOneBudget(cluster);
  });
});

/** Polls Redis until `count` clients subscribe to `channel` (10 s at most). */
async function waitForSubscribers(channel: string, count: number): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL ?? '', { lazyConnect: true });
  try {
    await redis.connect();
    for (let tries = 0; tries < 100; tries++) {
      const [, subscribers] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
      if (subscribers >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${count} subscribers to ${channel} expected within 10 s`);
  } finally {
    redis.disconnect();
  }
}

describeWithRedis('WORKERS=2, rate limit with Redis', () => {
  let cluster: Cluster | undefined;
  afterAll(() => stopCluster(cluster));

  test('one per-IP budget across workers, counted in Redis', async () => {
    const keyPrefix = uniqueTestNamespace('cluster_rate_limit');
    cluster = await startCluster(
      { rateLimit: RATE_LIMIT, cache: { redis: { keyPrefix } } },
      { REDIS_URL: TEST_REDIS_URL ?? '' },
    );
    await waitForOutput(cluster.started, 'lookup cache: Redis');
    // Until a worker's Redis connections are up, its limiter counts in the fallback (the primary's
    // budget): wait until both workers hear the invalidation channel, which they join once connected.
    await waitForSubscribers(invalidationChannelOf(keyPrefix), cluster.workerPids.length);
    await expectOneBudget(cluster);
  });
});

describe('WORKERS=2, admin invalidation without Redis', () => {
  const ADMIN_TOKEN = 'cluster-test-admin-token-0123456789';
  let accessType: 'pop' | 'business' = 'pop';
  let directoryLookups = 0;
  // The account administration's API (directory.type "http"): jane's access type is what the test says.
  const directory = http.createServer((req, res) => {
    directoryLookups += 1;
    const address = new URL(req.url ?? '/', 'http://directory').searchParams.get('address');
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        hosted: true,
        defaultAccessType: 'pop',
        account: address === 'jane@example.com' ? { accessType, displayName: null } : null,
      }),
    );
  });
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    await new Promise<void>((resolve) => directory.listen(0, '127.0.0.1', resolve));
    const { port } = directory.address() as AddressInfo;
    cluster = await startCluster({
      directory: {
        type: 'http',
        urlTemplate: `http://127.0.0.1:${port}/mail-access?domain={domain}&address={address}`,
      },
      admin: { token: ADMIN_TOKEN },
      rateLimit: { enabled: false },
    });
  });
  afterAll(async () => {
    await stopCluster(cluster);
    await new Promise((resolve) => directory.close(resolve));
  });

  test('an invalidation sent to one worker empties every worker’s cache before it is answered', async () => {
    if (cluster === undefined) throw new Error('the cluster did not start');
    const jane = AUTOCONFIG('jane@example.com');
    const pop = '<incomingServer type="imap">';
    const business = '<incomingServer type="exchange">';

    // Each worker looks jane up once and caches the answer.
    for (const answer of await untilBothAnswer(cluster, cluster.workerPids, jane)) expect(answer.body).toContain(pop);
    expect(directoryLookups).toBe(2);

    // The administration changes her access type: both workers still answer from their caches.
    accessType = 'business';
    for (const answer of await untilBothAnswer(cluster, cluster.workerPids, jane)) expect(answer.body).toContain(pop);
    expect(directoryLookups).toBe(2);

    const invalidation = await requestAndWorker(cluster, {
      path: '/admin/cache/invalidate',
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ address: 'jane@example.com' }),
    });
    expect(invalidation.status).toBe(200);

    // Whichever worker took the admin request, neither has the old answer any more.
    for (const answer of await untilBothAnswer(cluster, cluster.workerPids, jane))
      expect(answer.body).toContain(business);
    expect(directoryLookups).toBe(4);
  });
});

test('WORKERS=2, the port taken › the workers cannot listen and the primary exits 1, not restarting them', async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const { port } = taken.address() as AddressInfo;
  const { folder, configFile } = writeConfigFolder({ server: { host: '127.0.0.1', port } });
  try {
    const started = startServiceProcess({ CONFIG_FILE: configFile, WORKERS: '2' });
    expect(await started.exited).toBe(1);
    expect(started.output()).toContain('cannot listen');
    expect(started.output()).toContain('cluster: a worker exited while starting');
    expect(started.output()).not.toContain('starting a replacement');
  } finally {
    await new Promise((resolve) => taken.close(resolve));
    rmSync(folder, { recursive: true, force: true });
  }
});

test('WORKERS invalid › exits 1 before forking, naming the variable and the fix', async () => {
  const started = startServiceProcess({ WORKERS: 'many' });
  expect(await started.exited).toBe(1);
  expect(started.output()).toContain(
    'environment: WORKERS must be a whole number of worker processes from 1 to 256, or "auto" (one per core), got "many"',
  );
  expect(started.output()).not.toContain('cluster: starting workers');
});

describe('WORKERS=2, metrics', () => {
  let cluster: Cluster | undefined;
  let metricsPort = 0;
  beforeAll(async () => {
    metricsPort = await freePort();
    cluster = await startCluster({ metrics: { port: metricsPort } });
  });
  afterAll(() => stopCluster(cluster));

  const count = (text: string): number => {
    const series = 'mail_autodiscover_requests_total{protocol="autoconfig",outcome="settings",access_type="pop"}';
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
    return line === undefined ? 0 : Number(line.slice(series.length + 1));
  };

  test('every worker’s counts summed, on the metrics port (the primary) and on /metrics of either worker', async () => {
    if (cluster === undefined) throw new Error('the cluster did not start');
    const answers = await untilBothAnswer(cluster, cluster.workerPids, AUTOCONFIG('pop.user@example.com'));
    const sent = answers.length;
    const fromPrimary = await requestOnNewConnection(metricsPort, { path: '/metrics' });
    expect(fromPrimary.status).toBe(200);
    expect(count(fromPrimary.body)).toBe(sent);
    // The service port is not where metrics are when they have a port of their own.
    expect((await requestOnNewConnection(cluster.port, { path: '/metrics' })).status).toBe(404);
  });
});

describe('WORKERS=2, metrics on the service port', () => {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster({});
  });
  afterAll(() => stopCluster(cluster));

  test('whichever worker takes the scrape answers with the sum of both', async () => {
    if (cluster === undefined) throw new Error('the cluster did not start');
    const answers = await untilBothAnswer(cluster, cluster.workerPids, AUTOCONFIG('pop.user@example.com'));
    const series = 'mail_autodiscover_requests_total{protocol="autoconfig",outcome="settings",access_type="pop"}';
    for (let scrape = 0; scrape < 2; scrape++) {
      const metrics = await requestAndWorker(cluster, { path: '/metrics' });
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain(`${series} ${answers.length}`);
    }
  });
});
