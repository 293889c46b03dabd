/**
 * The processes the HTTP bench drives, each a child listening on 127.0.0.1: the real service started
 * as `npm start` starts it (`node dist/main.js`, logging at info to stdout, which goes to /dev/null),
 * and the bare baselines (bench/bare-server.ts). Every child is killed when the bench ends, also on
 * an error or Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { environmentBindings } from '../src/config/schema';
import type { BareServerSpec } from './bare-server';

export const HOST = '127.0.0.1';
const REPO_ROOT = path.resolve(__dirname, '..');
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

/** A running child process listening on HOST:port. */
export interface ChildTarget {
  readonly port: number;
  readonly child: ChildProcess;
  /** Its stderr, kept in a file to show when it fails to start. */
  readonly stderrFile: string;
}

/**
 * The frame of a bench that drives child processes: builds dist/ if stale, runs `body` with a fresh
 * work folder, prints how long it all took, and afterwards (also on an error or Ctrl-C) stops every
 * child and removes the folder.
 */
export async function withChildProcesses(benchName: string, body: (workDir: string) => Promise<void>): Promise<void> {
  const started = performance.now();
  buildIfStale();
  const workDir = makeWorkDir();
  const stopKillingOnExit = killChildrenOnExit(workDir);
  try {
    await body(workDir);
    console.log(
      `${benchName} bench took ${Math.round((performance.now() - started) / 1000)} s (build and start-up included)`,
    );
  } finally {
    await stopAll();
    stopKillingOnExit();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** A fresh temporary folder for configs, specs and stderr files; the caller removes it. */
export function makeWorkDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'mail-autodiscover-bench-'));
}

/** `npm run build`, unless dist/main.js is newer than every source and build setting. */
export function buildIfStale(): void {
  const built = modifiedAt(path.join(REPO_ROOT, 'dist', 'main.js'));
  const inputs = [
    ...filesUnder(path.join(REPO_ROOT, 'src')),
    ...['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((file) => path.join(REPO_ROOT, file)),
  ];
  if (built !== null && inputs.every((file) => (modifiedAt(file) ?? 0) <= built)) {
    console.log('dist/ is newer than src/: reusing it');
    return;
  }
  console.log('npm run build');
  const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error(`npm run build failed (exit ${String(build.status)})`);
}

function modifiedAt(file: string): number | null {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const at = path.join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(at) : [at];
  });
}

/**
 * Writes a copy of the example config (config/default.json, with config/accounts.json beside it)
 * into `workDir`, changing only `rateLimit`; returns its path.
 */
export function writeServiceConfig(
  workDir: string,
  name: string,
  rateLimit: Readonly<Record<string, unknown>>,
): string {
  return writeServiceConfigWith(workDir, name, { rateLimit });
}

/** The same, replacing each top-level section given (`rateLimit`, `directory`, `cache`, …). */
export function writeServiceConfigWith(
  workDir: string,
  name: string,
  sections: Readonly<Record<string, unknown>>,
): string {
  const example = JSON.parse(readFileSync(path.join(REPO_ROOT, 'config', 'default.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  copyFileSync(path.join(REPO_ROOT, 'config', 'accounts.json'), path.join(workDir, 'accounts.json'));
  const file = path.join(workDir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...example, ...sections }, null, 2));
  return file;
}

/** `count` distinct free loopback ports (held together while chosen, so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, HOST, () => {
            const address = server.address();
            if (address === null || typeof address === 'string') reject(new Error('no TCP address'));
            else resolve(address.port);
          });
        }),
    ),
  );
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/**
 * `node dist/main.js` as `npm start` runs it, on `configFile`, with none of the service's
 * environment variables inherited except the ones set here (so logging is at info, as configured):
 * `workers` is WORKERS (1, as `npm start` runs it, or a cluster of that many workers).
 */
export function startService(
  workDir: string,
  name: string,
  configFile: string,
  port: number,
  workers = 1,
): ChildTarget {
  const env = serviceEnvironment(configFile, port, workers);
  return startChild(workDir, name, port, [path.join(REPO_ROOT, 'dist', 'main.js')], env);
}

/** The speed-ups a service variant keeps (true) or switches off (false); `npm start` keeps both. */
export interface ServiceParts {
  /** Discovery requests on their exact paths skip Express's router (the `fastLane` seam of compose.ts). */
  readonly fastLane: boolean;
  /** Requests and responses born with Express's prototypes (createListeners' option). */
  readonly expressPrototypesAtBirth: boolean;
}

/**
 * The service as startService starts it (one process, the same environment, logging and config),
 * but from bench/service-variant.mjs, which composes it with `parts`.
 */
export function startServiceVariant(
  workDir: string,
  name: string,
  configFile: string,
  port: number,
  parts: ServiceParts,
): ChildTarget {
  const script = path.join(REPO_ROOT, 'bench', 'service-variant.mjs');
  return startChild(workDir, name, port, [script, JSON.stringify(parts)], serviceEnvironment(configFile, port, 1));
}

/** This process's environment without the service's own variables, then `configFile`, `port` and `workers`. */
function serviceEnvironment(configFile: string, port: number, workers: number): NodeJS.ProcessEnv {
  const serviceVariables = new Set(environmentBindings.map(({ variable }) => variable));
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !serviceVariables.has(name))),
    CONFIG_FILE: configFile,
    PORT: String(port),
    HOST,
    WORKERS: String(workers),
  };
}

/** A bare baseline server (bench/bare-server.ts) serving `spec`. */
export function startBareServer(workDir: string, spec: BareServerSpec): ChildTarget {
  const specFile = path.join(workDir, `${spec.kind}.spec.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  const script = path.join(REPO_ROOT, 'bench', 'bare-server.ts');
  return startChild(workDir, spec.kind, spec.port, ['--import', 'tsx', script, specFile], process.env);
}

function startChild(
  workDir: string,
  name: string,
  port: number,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): ChildTarget {
  const stdout = openSync('/dev/null', 'w');
  const stderrFile = path.join(workDir, `${name}.stderr`);
  const stderr = openSync(stderrFile, 'w');
  try {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', stdout, stderr] });
    running.add(child);
    reaper().write(`+${String(child.pid)}\n`);
    child.once('exit', () => {
      running.delete(child);
      reaper().write(`-${String(child.pid)}\n`);
    });
    return { port, child, stderrFile };
  } finally {
    closeSync(stdout);
    closeSync(stderr);
  }
}

/** Resolves once the child accepts TCP connections; throws (with its stderr) if it exits or takes too long. */
export async function waitUntilListening(target: ChildTarget, name: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (target.child.exitCode !== null || target.child.signalCode !== null) {
      throw new Error(`${name} exited before listening:\n${readFileSync(target.stderrFile, 'utf8')}`);
    }
    if (await accepts(target.port)) return;
    if (Date.now() > deadline) throw new Error(`${name} is not listening on ${HOST}:${target.port} after 20 s`);
    await sleep(50);
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * CPU seconds (user + system) used so far by `pid` and by each of its child processes (a cluster
 * primary's workers), from Linux's /proc; empty where /proc cannot tell.
 */
export function cpuSecondsOfTree(pid: number): Map<number, number> {
  const seconds = new Map<number, number>();
  const ticksPerSecond = 100; // USER_HZ, 100 on every Linux architecture Node runs on
  const add = (one: number): void => {
    try {
      // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are 14th and 15th.
      const stat = readFileSync(`/proc/${one}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      seconds.set(one, (Number(fields[11]) + Number(fields[12])) / ticksPerSecond);
    } catch {
      // gone, or no /proc
    }
  };
  add(pid);
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
    for (const child of children) if (child !== '') add(Number(child));
  } catch {
    // no /proc
  }
  return seconds;
}

const running = new Set<ChildProcess>();

/**
 * Kills (SIGKILL) the pids it is told (`+pid`, `-pid` lines) once its stdin closes: when this process
 * ends, even killed outright (tsx's CLI SIGKILLs its child when a relayed signal is not acknowledged
 * within 30 ms). Detached, so a Ctrl-C to the process group leaves it to do its job.
 */
const REAPER_SOURCE = `
const pids = new Set();
let pending = '';
process.stdin.on('data', (chunk) => {
  const lines = (pending + chunk).split('\\n');
  pending = lines.pop();
  for (const line of lines) (line[0] === '+' ? pids.add(line.slice(1)) : pids.delete(line.slice(1)));
});
process.stdin.on('close', () => {
  for (const pid of pids) try { process.kill(Number(pid), 'SIGKILL'); } catch {}
});`;
let reaperInput: Writable | null = null;

function reaper(): Writable {
  if (reaperInput !== null) return reaperInput;
  const child = spawn(process.execPath, ['-e', REAPER_SOURCE], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  child.unref();
  // Its stdin pipe must not keep this process alive either.
  if (child.stdin instanceof Socket) child.stdin.unref();
  reaperInput = child.stdin;
  return child.stdin;
}

/** SIGTERM (the service drains and exits), SIGKILL whatever is still running after a few seconds. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const inTime = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
      if (!inTime) child.kill('SIGKILL');
    }),
  );
}

/**
 * Until the returned function is called, Ctrl-C (SIGINT), SIGTERM and any exit of this process kill
 * every child first (and remove `workDir`).
 */
function killChildrenOnExit(workDir: string): () => void {
  const killNow = (): void => {
    for (const child of running) child.kill('SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    killNow();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', killNow);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('exit', killNow);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
