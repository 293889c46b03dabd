/**
 * The service side by side with bare servers, in one run, on loopback (`npm run bench -- http`,
 * `--quick` for a shorter run). Eight child processes (five under `--quick`) listen on 127.0.0.1:
 *   - the service as `npm start` runs it (dist/main.js, info logging to stdout, here /dev/null), on
 *     the example config with only the rate limit off;
 *   - the same with the rate limit on at a limit the load cannot reach;
 *   - the same as the first with WORKERS=2: a cluster primary and two workers;
 *   - not under `--quick`, the parts: the first with its requests handled another way each
 *     (bench/service-variant.mjs): the fast lane on objects born with Express's prototypes, Express's
 *     router with them, Express's router as stock Express runs it;
 *   - a bare Express app and a bare `node:http` server answering each endpoint with the service's own
 *     body and static headers (bench/bare-server.ts).
 * Each endpoint is a cache hit (every target answers it once before timing). Rounds are interleaved
 * (round → endpoint → target, the target order rotating each round) so machine drift hits every
 * target alike; req/s sums requests and time over the rounds, p50 and p99 are medians of the rounds'.
 */
import { availableParallelism } from 'node:os';
import type { BareServerSpec } from './bare-server';
import { runBurst, summariseBursts, type Burst } from './burst';
import {
  cpuSecondsOfTree,
  freePorts,
  HOST,
  startBareServer,
  startService,
  startServiceVariant,
  waitUntilListening,
  withChildProcesses,
  writeServiceConfig,
  writeServiceConfigWith,
  type ChildTarget,
  type ServiceParts,
} from './http-targets';
import type { BenchOptions } from './bench-options';
import { wholeNumber } from './stats';

const CONNECTIONS = 50;
const PLANS = {
  quick: { warmUpSeconds: 0.2, rounds: 2, burstSeconds: 0.4 },
  full: { warmUpSeconds: 0.5, rounds: 6, burstSeconds: 1 },
} as const;

/** The schema's maximum per window, per second: far above what one load generator here can send. */
const UNREACHABLE_RATE_LIMIT = { enabled: true, points: 1_000_000, durationSeconds: 1 } as const;

interface Endpoint {
  /** Also the bare servers' path for it: `/<key>`. */
  readonly key: string;
  readonly name: string;
  readonly method: 'GET' | 'POST';
  /** The service's path and query. */
  readonly path: string;
  readonly body?: string;
}

const outlookRequest = (address: string, schema: 'outlook' | 'mobilesync'): string =>
  `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/${schema}/requestschema/2006"><Request><EMailAddress>${address}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/${schema}/responseschema/${schema === 'outlook' ? '2006a' : '2006'}</AcceptableResponseSchema></Request></Autodiscover>`;

const ENDPOINTS: readonly Endpoint[] = [
  {
    key: 'pox-pop',
    name: 'POX outlook POST, POP access',
    method: 'POST',
    path: '/autodiscover/autodiscover.xml',
    body: outlookRequest('pop.user@example.com', 'outlook'),
  },
  {
    key: 'pox-business',
    name: 'POX outlook POST, Business Mail',
    method: 'POST',
    path: '/autodiscover/autodiscover.xml',
    body: outlookRequest('business.user@example.com', 'outlook'),
  },
  {
    key: 'mobilesync',
    name: 'POX mobilesync POST, Business Mail',
    method: 'POST',
    path: '/autodiscover/autodiscover.xml',
    body: outlookRequest('business.user@example.com', 'mobilesync'),
  },
  {
    key: 'v2-json',
    name: 'v2 JSON GET, Business Mail',
    method: 'GET',
    path: '/autodiscover/autodiscover.json/v1.0/business.user@example.com?Protocol=ActiveSync',
  },
  {
    key: 'autoconfig',
    name: 'Thunderbird autoconfig GET, POP access',
    method: 'GET',
    path: '/mail/config-v1.1.xml?emailaddress=pop.user%40example.com',
  },
  {
    key: 'mobileconfig',
    name: 'mobileconfig GET, Business Mail',
    method: 'GET',
    path: '/mobileconfig?emailaddress=business.user%40example.com',
  },
  { key: 'healthz', name: '/healthz GET', method: 'GET', path: '/healthz' },
];

const REQUEST_HEADERS = { 'content-type': 'text/xml; charset=utf-8' } as const;

type TargetName =
  | 'service, rate limit off'
  | 'service, rate limit on'
  | 'service, 2 workers'
  | 'service, metrics off'
  | ServiceVariantName
  | 'bare Express'
  | 'bare node:http';

type ServiceVariantName =
  | 'service, Express prototypes at birth'
  | 'service, Express router, prototypes at birth'
  | 'service, Express router, stock';

/**
 * The service (rate limit off) with its request handling done another way, for the parts table:
 * what the service's own way buys is the service's req/s over the variant's.
 */
const SERVICE_VARIANTS: ReadonlyArray<{
  readonly name: ServiceVariantName;
  /** For its stderr file. */
  readonly file: string;
  readonly parts: ServiceParts;
}> = [
  {
    // The fast lane on objects born with Express's prototypes (what the service did before it ran on Node's own).
    name: 'service, Express prototypes at birth',
    file: 'service-express-prototypes-at-birth',
    parts: { fastLane: true, expressPrototypesAtBirth: true },
  },
  {
    // No fast lane: Express's router and app.handle, with the prototypes at birth (issue 8's proposal).
    name: 'service, Express router, prototypes at birth',
    file: 'service-express-router-prototypes-at-birth',
    parts: { fastLane: false, expressPrototypesAtBirth: true },
  },
  {
    // No fast lane, as stock Express serves: setPrototypeOf on every request.
    name: 'service, Express router, stock',
    file: 'service-express-router-stock',
    parts: { fastLane: false, expressPrototypesAtBirth: false },
  },
];

/** Workers of the cluster target: as many as this bench machine's cores (2 here). */
const CLUSTER_WORKERS = 2;

interface Target {
  readonly name: TargetName;
  readonly process: ChildTarget;
  readonly pathOf: (endpoint: Endpoint) => string;
}

interface Answer {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

/** Headers a constant answer cannot repeat (or the server sets itself). */
const PER_REQUEST_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

export async function benchHttp(options: BenchOptions = { quick: false }): Promise<void> {
  const plan = options.quick ? PLANS.quick : PLANS.full;
  await withChildProcesses('HTTP', async (workDir) => {
    const ports = await freePorts(options.quick ? 5 : 6 + SERVICE_VARIANTS.length);
    const nextPort = (): number => {
      const port = ports.shift();
      if (port === undefined) throw new Error('no free ports');
      return port;
    };
    const servicePath = (endpoint: Endpoint): string => endpoint.path;
    const rateLimitOff = writeServiceConfig(workDir, 'rate-limit-off', { enabled: false });
    const off: Target = {
      name: 'service, rate limit off',
      process: startService(workDir, 'service-rate-limit-off', rateLimitOff, nextPort()),
      pathOf: servicePath,
    };
    const on: Target = {
      name: 'service, rate limit on',
      process: startService(
        workDir,
        'service-rate-limit-on',
        writeServiceConfig(workDir, 'rate-limit-on', UNREACHABLE_RATE_LIMIT),
        nextPort(),
      ),
      pathOf: servicePath,
    };
    const twoWorkers: Target = {
      name: 'service, 2 workers',
      process: startService(workDir, 'service-2-workers', rateLimitOff, nextPort(), CLUSTER_WORKERS),
      pathOf: servicePath,
    };
    // The parts lines cost as much time again as two more targets: the full bench only.
    const variants: Target[] = options.quick
      ? []
      : SERVICE_VARIANTS.map(({ name, file, parts }) => ({
          name,
          process: startServiceVariant(workDir, file, rateLimitOff, nextPort(), parts),
          pathOf: servicePath,
        }));
    // What the Prometheus metrics cost: the service as `npm start` runs it (metrics on) over this.
    const metricsOff: Target | null = options.quick
      ? null
      : {
          name: 'service, metrics off',
          process: startService(
            workDir,
            'service-metrics-off',
            writeServiceConfigWith(workDir, 'metrics-off', {
              rateLimit: { enabled: false },
              metrics: { enabled: false },
            }),
            nextPort(),
          ),
          pathOf: servicePath,
        };
    const services = [off, on, twoWorkers, ...(metricsOff === null ? [] : [metricsOff]), ...variants];
    await Promise.all(services.map((target) => waitUntilListening(target.process, target.name)));

    // The service's answers, once each (which also fills its cache): the baselines serve the same bytes.
    const answers = new Map<string, Answer>();
    for (const endpoint of ENDPOINTS) answers.set(endpoint.key, await expectOk(off, endpoint));
    const routes = ENDPOINTS.map((endpoint) => bareRoute(endpoint, answerFor(answers, endpoint)));
    const barePath = (endpoint: Endpoint): string => `/${endpoint.key}`;
    const bareExpress: Target = {
      name: 'bare Express',
      process: startBareServer(workDir, { kind: 'express', host: HOST, port: nextPort(), routes }),
      pathOf: barePath,
    };
    const bareNodeHttp: Target = {
      name: 'bare node:http',
      process: startBareServer(workDir, { kind: 'node-http', host: HOST, port: nextPort(), routes }),
      pathOf: barePath,
    };
    const targets = [...services, bareExpress, bareNodeHttp];
    await Promise.all(targets.map((target) => waitUntilListening(target.process, target.name)));
    for (const endpoint of ENDPOINTS) {
      const expected = answerFor(answers, endpoint).body.length;
      for (const target of targets.slice(1)) {
        const { body } = await expectOk(target, endpoint);
        if (body.length !== expected)
          throw new Error(
            `${target.name} answered ${endpoint.name} with ${body.length} bytes, the service ${expected}`,
          );
      }
    }

    console.log(
      `\nHTTP side by side: autocannon, ${CONNECTIONS} connections, ${plan.rounds} interleaved rounds of ` +
        `${plan.burstSeconds}s bursts per endpoint and target (after a ${plan.warmUpSeconds}s warm-up burst each, ` +
        `${plan.warmUpSeconds * CLUSTER_WORKERS}s for the ${CLUSTER_WORKERS} workers), ` +
        `cache hits; ${availableParallelism()} cores, node ${process.version}`,
    );
    const beforeWarmUp = cpuSecondsOfTree(pidOf(twoWorkers));
    // V8 optimises each process on its own: every worker gets as much warm-up as a single process.
    const warmUpSecondsOf = (target: Target): number =>
      target === twoWorkers ? plan.warmUpSeconds * CLUSTER_WORKERS : plan.warmUpSeconds;
    for (const endpoint of ENDPOINTS)
      for (const target of targets) await burst(target, endpoint, warmUpSecondsOf(target));
    const cpuBeforeRounds = new Map(services.map((target) => [target.name, cpuSecondsOfTree(pidOf(target))]));
    expectEveryWorkerServed(twoWorkers, beforeWarmUp, cpuBeforeRounds.get(twoWorkers.name) ?? new Map());
    const bursts = new Map<string, Burst[]>();
    for (let round = 0; round < plan.rounds; round++) {
      process.stdout.write(`round ${round + 1}/${plan.rounds}…\n`);
      for (const endpoint of ENDPOINTS) {
        // Rotate which target goes first, so none always runs right after another's load.
        const order = targets.map((_, i) => targets[(i + round) % targets.length] ?? off);
        for (const target of order) {
          const key = cell(endpoint, target);
          bursts.set(key, [...(bursts.get(key) ?? []), await burst(target, endpoint, plan.burstSeconds)]);
        }
      }
    }
    printTable(targets, answers, bursts);
    printWorkerComparison(off, twoWorkers, bursts);
    if (metricsOff !== null) printMetricsCost(off, metricsOff, bursts);
    if (variants.length > 0) printParts(off, variants, bursts);
    for (const target of services)
      printCpuPerRequest(target, cpuBeforeRounds.get(target.name), cpuSecondsOfTree(pidOf(target)), bursts);
  });
}

const cell = (endpoint: Endpoint, target: Target): string => `${endpoint.key} ${target.name}`;

function pidOf(target: Target): number {
  const { pid } = target.process.child;
  if (pid === undefined) throw new Error(`${target.name} has no pid`);
  return pid;
}

/**
 * Each worker of the cluster target spent CPU during the warm-up, so each was listening before the
 * timed rounds (a worker still starting would leave the other to carry the load). Skipped without /proc.
 */
function expectEveryWorkerServed(
  target: Target,
  before: ReadonlyMap<number, number>,
  after: ReadonlyMap<number, number>,
): void {
  if (after.size === 0) return;
  const workers = [...after.keys()].filter((pid) => pid !== pidOf(target));
  const idle = workers.filter((pid) => (after.get(pid) ?? 0) - (before.get(pid) ?? 0) < 0.05);
  if (workers.length !== CLUSTER_WORKERS || idle.length > 0)
    throw new Error(
      `${target.name}: expected ${CLUSTER_WORKERS} workers each serving the warm-up, found ${workers.length} (idle: ${idle.join(', ') || 'none'})`,
    );
}

function answerFor(answers: ReadonlyMap<string, Answer>, endpoint: Endpoint): Answer {
  const answer = answers.get(endpoint.key);
  if (answer === undefined) throw new Error(`no answer for ${endpoint.name}`);
  return answer;
}

function bareRoute(endpoint: Endpoint, answer: Answer): BareServerSpec['routes'][number] {
  const headers = Object.fromEntries([...answer.headers].filter(([name]) => !PER_REQUEST_HEADERS.has(name)));
  return { method: endpoint.method, path: `/${endpoint.key}`, headers, bodyBase64: answer.body.toString('base64') };
}

async function expectOk(target: Target, endpoint: Endpoint): Promise<Answer> {
  const response = await fetch(url(target, endpoint), {
    method: endpoint.method,
    ...(endpoint.body === undefined ? {} : { body: endpoint.body, headers: REQUEST_HEADERS }),
  });
  const answer: Answer = {
    status: response.status,
    headers: new Map(response.headers),
    body: Buffer.from(await response.arrayBuffer()),
  };
  if (answer.status !== 200) throw new Error(`${target.name} answered ${endpoint.name} with ${answer.status}`);
  return answer;
}

const url = (target: Target, endpoint: Endpoint): string =>
  `http://${HOST}:${target.process.port}${target.pathOf(endpoint)}`;

const burst = (target: Target, endpoint: Endpoint, seconds: number): Promise<Burst> =>
  runBurst({
    url: url(target, endpoint),
    method: endpoint.method,
    ...(endpoint.body === undefined ? {} : { body: endpoint.body, headers: REQUEST_HEADERS }),
    connections: CONNECTIONS,
    duration: seconds,
  });

function printTable(
  targets: readonly Target[],
  answers: ReadonlyMap<string, Answer>,
  bursts: ReadonlyMap<string, readonly Burst[]>,
): void {
  const failures: string[] = [];
  console.log(
    '\n| endpoint (answer bytes) | target | req/s | p50 ms | p99 ms | non-2xx | ÷ bare Express | ÷ node:http |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const endpoint of ENDPOINTS) {
    const summaries = new Map(
      targets.map((target) => [target.name, summariseBursts(bursts.get(cell(endpoint, target)) ?? [])]),
    );
    const express = summaries.get('bare Express')?.perSecond ?? NaN;
    const nodeHttp = summaries.get('bare node:http')?.perSecond ?? NaN;
    const label = `${endpoint.name} (${answerFor(answers, endpoint).body.length})`;
    for (const [name, summary] of summaries) {
      console.log(
        `| ${label} | ${name} | ${Math.round(summary.perSecond).toLocaleString('en-US')} | ${summary.p50} | ` +
          `${summary.p99} | ${summary.non2xx} | ${(summary.perSecond / express).toFixed(2)}x | ` +
          `${(summary.perSecond / nodeHttp).toFixed(2)}x |`,
      );
      if (summary.non2xx > 0 || summary.errors > 0)
        failures.push(`${endpoint.name}, ${name}: ${summary.non2xx} non-2xx answers, ${summary.errors} errors`);
    }
  }
  console.log('\nreq/s: requests over time summed across rounds; p50, p99: median of the rounds’ values.');
  if (failures.length === 0) console.log('non-2xx answers and connection errors: 0');
  else {
    console.log('\nNOT ALL ANSWERS WERE 2xx; these figures do not measure cache hits:');
    for (const line of failures) console.log(`  ${line}`);
    process.exitCode = 1;
  }
}

/** Per endpoint, the service (rate limit off) beside each variant: the variant's share of its req/s. */
function printParts(service: Target, variants: readonly Target[], bursts: ReadonlyMap<string, readonly Burst[]>): void {
  console.log(
    `\n| endpoint | ${service.name} req/s | ${variants.map((variant) => `${variant.name} req/s | ÷ service`).join(' | ')} |`,
  );
  console.log(`|---|---:|${variants.map(() => '---:|---:|').join('')}`);
  for (const endpoint of ENDPOINTS) {
    const perSecond = (target: Target): number => summariseBursts(bursts.get(cell(endpoint, target)) ?? []).perSecond;
    const full = perSecond(service);
    const cells = variants.map((variant) => {
      const part = perSecond(variant);
      return `${wholeNumber(part)} | ${(part / full).toFixed(2)}x`;
    });
    console.log(`| ${endpoint.name} | ${wholeNumber(full)} | ${cells.join(' | ')} |`);
  }
  console.log(
    'Each variant is the service with its requests handled another way: the fast lane on objects born with ' +
      "Express's prototypes; Express's router with them; Express's router as stock Express runs it " +
      '(setPrototypeOf on every request). 1 ÷ the ratio is what the service’s own way buys over each.',
  );
}

/** The cluster target beside the one-process service (same config, rate limit off), endpoint by endpoint. */
function printWorkerComparison(
  oneWorker: Target,
  workers: Target,
  bursts: ReadonlyMap<string, readonly Burst[]>,
): void {
  printPair(bursts, [oneWorker, '(1 worker)'], [workers, ''], '2 workers ÷ 1');
}

/** Two targets' req/s per endpoint, and the second over the first. */
function printPair(
  bursts: ReadonlyMap<string, readonly Burst[]>,
  [first, firstNote]: readonly [Target, string],
  [second, secondNote]: readonly [Target, string],
  ratioTitle: string,
): void {
  const title = (target: Target, note: string): string => `${target.name}${note === '' ? '' : ` ${note}`} req/s`;
  console.log(`\n| endpoint | ${title(first, firstNote)} | ${title(second, secondNote)} | ${ratioTitle} |`);
  console.log('|---|---:|---:|---:|');
  for (const endpoint of ENDPOINTS) {
    const a = summariseBursts(bursts.get(cell(endpoint, first)) ?? []).perSecond;
    const b = summariseBursts(bursts.get(cell(endpoint, second)) ?? []).perSecond;
    console.log(
      `| ${endpoint.name} | ${Math.round(a).toLocaleString('en-US')} | ${Math.round(b).toLocaleString('en-US')} | ${(b / a).toFixed(2)}x |`,
    );
  }
}

/** The service without metrics beside it as `npm start` runs it (metrics on): what metrics cost. */
function printMetricsCost(withMetrics: Target, without: Target, bursts: ReadonlyMap<string, readonly Burst[]>): void {
  printPair(bursts, [without, ''], [withMetrics, '(metrics on)'], 'on ÷ off');
}

/**
 * A service's CPU time per request over the timed rounds (all endpoints), and each process's share:
 * on a machine shared with other work this moves less than req/s does.
 */
function printCpuPerRequest(
  target: Target,
  before: ReadonlyMap<number, number> | undefined,
  after: ReadonlyMap<number, number>,
  bursts: ReadonlyMap<string, readonly Burst[]>,
): void {
  if (before === undefined || after.size === 0) return;
  const used = (pid: number): number => (after.get(pid) ?? 0) - (before.get(pid) ?? 0);
  const pids = [...after.keys()];
  const total = pids.reduce((sum, pid) => sum + used(pid), 0);
  const requests = ENDPOINTS.flatMap((endpoint) => bursts.get(cell(endpoint, target)) ?? []).reduce(
    (sum, one) => sum + one.requests,
    0,
  );
  const split = pids.length > 1 ? ` (${pids.map((pid) => used(pid).toFixed(1)).join(' + ')}: primary + workers)` : '';
  console.log(
    `${target.name}: ${Math.round((total / requests) * 1e6)} µs CPU a request, ${total.toFixed(1)} CPU s${split} for ${requests.toLocaleString('en-US')} requests`,
  );
}

if (require.main === module) {
  benchHttp({ quick: process.argv.includes('--quick') }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
