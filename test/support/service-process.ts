import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { constants, copyFileSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './app';

/** The real entry point as a child process: `node --import tsx src/main.ts`, so the child's pid is main's. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  readonly output: () => string;
  /** Its JSON log lines so far. */
  readonly logLines: () => LogLine[];
  readonly exited: Promise<number | null>;
}

export type LogLine = Readonly<Record<string, unknown>> & { readonly pid: number; readonly msg: string };

/**
 * Starts src/main.ts with the test environment, LOG_LEVEL info and `env`; `ownProcessGroup` makes it
 * lead a process group of its own (a terminal's Ctrl-C reaches every process in one); `stdoutFd`
 * sends its stdout there instead of into `output()` (which then holds stderr only).
 */
export function startServiceProcess(
  env: Record<string, string>,
  { ownProcessGroup = false, stdoutFd }: { ownProcessGroup?: boolean; stdoutFd?: number } = {},
): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'],
    detached: ownProcessGroup,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, logLines: () => parseLogLines(output), exited };
}

function parseLogLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return []; // the last line may still be arriving
      }
    });
}

/** Polls `probe` every 50 ms until it returns a value other than undefined; throws with the output after `timeoutMs`. */
export async function waitFor<T>(
  started: ServiceProcess,
  what: string,
  probe: () => T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}; output:\n${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function waitForOutput(started: ServiceProcess, text: string): Promise<true> {
  return waitFor(started, JSON.stringify(text), () => (started.output().includes(text) ? true : undefined));
}

/** The first log line with this message (and, if given, matching `where`). */
export function waitForLogLine(
  started: ServiceProcess,
  msg: string,
  where: (line: LogLine) => boolean = () => true,
): Promise<LogLine> {
  return waitFor(started, `log line "${msg}"`, () =>
    started.logLines().find((line) => line.msg === msg && where(line)),
  );
}

/**
 * The write end of a pipe nobody ever reads (a stalled log shipper): a FIFO opened read-write, so the
 * open does not wait for a reader; once its 64 KiB fill up, every further write to it waits forever.
 */
export function unreadPipe(): number {
  const fifo = path.join(mkdtempSync(path.join(tmpdir(), 'mail-autodiscover-pipe-')), 'stdout');
  execFileSync('mkfifo', [fifo]);
  return openSync(fifo, constants.O_RDWR);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * A folder holding `config.json`: the example config (config/default.json) with `sections` replacing
 * its top-level sections, and the example account file beside it.
 */
export function writeConfigFolder(sections: Readonly<Record<string, unknown>>): { folder: string; configFile: string } {
  const folder = mkdtempSync(path.join(tmpdir(), 'mail-autodiscover-process-'));
  const example = JSON.parse(readFileSync(path.join(REPO_ROOT, 'config', 'default.json'), 'utf8')) as object;
  copyFileSync(path.join(REPO_ROOT, 'config', 'accounts.json'), path.join(folder, 'accounts.json'));
  const configFile = path.join(folder, 'config.json');
  writeFileSync(configFile, JSON.stringify({ ...example, ...sections }));
  return { folder, configFile };
}

export interface PlainAnswer {
  readonly status: number;
  readonly body: string;
}

/** One request on a connection of its own (no keep-alive), so node:cluster hands each to the next worker. */
export function requestOnNewConnection(
  port: number,
  options: { path: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<PlainAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        agent: false,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers ?? {},
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const OUTLOOK_REQUEST =
  '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>pop.user@example.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>';

/**
 * An Outlook POST (POP access) in flight across `signal()`: the headers and half the body are sent,
 * then `signal()` runs, then the rest of the body follows; a draining service must still answer it.
 */
export function answerAcrossSignal(port: number, signal: () => void): Promise<PlainAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/autodiscover/autodiscover.xml',
        headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(OUTLOOK_REQUEST) },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.write(OUTLOOK_REQUEST.slice(0, 100));
    setTimeout(() => {
      signal();
      setTimeout(() => req.end(OUTLOOK_REQUEST.slice(100)), 300);
    }, 200);
  });
}
