/**
 * The Dockerfile, without a Docker engine: linted with dockerfile-utils (the linter of the Dockerfile
 * language server), its runtime stage checked for what the README promises, and then the image
 * replayed outside Docker: the runtime stage's COPY and `npm ci --omit=dev` steps into a temporary
 * folder (a production-only install: a runtime import of a dev dependency fails here), its exact
 * ENTRYPOINT + CMD started with the image's ENV, and its HEALTHCHECK command run against it: success
 * while it serves, failure once it has stopped.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { Copy, DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate, ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils';
import { REPO_ROOT } from '../support/app';
import {
  freePort,
  requestOnNewConnection,
  waitForLogLine,
  writeConfigFolder,
  type ServiceProcess,
} from '../support/service-process';

jest.setTimeout(240_000);

const DOCKERFILE = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');

/** Every optional check of the linter raised to an error. */
const STRICT: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

function lint(content: string): string[] {
  return validate(content, STRICT).map(
    (problem) =>
      `line ${problem.range.start.line + 1}: ${typeof problem.message === 'string' ? problem.message : problem.message.value}`,
  );
}

/** The instructions of the last stage (the image that runs), in order. */
function runtimeStage(content: string): Instruction[] {
  const instructions = DockerfileParser.parse(content).getInstructions();
  const lastFrom = instructions.map((instruction) => instruction.getKeyword()).lastIndexOf('FROM');
  return instructions.slice(lastFrom);
}

function only(stage: readonly Instruction[], keyword: string): Instruction {
  const found = stage.filter((instruction) => instruction.getKeyword() === keyword);
  const [first] = found;
  if (first === undefined || found.length !== 1) throw new Error(`the runtime stage must have one ${keyword}`);
  return first;
}

function argumentsOf(instruction: Instruction): string[] {
  return instruction.getArguments().map((argument) => argument.getValue());
}

/** An exec-form instruction's array (`["node", "dist/main.js"]`), or after `CMD` for HEALTHCHECK. */
function execForm(instruction: Instruction): string[] {
  const text = instruction.getRawArgumentsContent() ?? '';
  const json = instruction.getKeyword() === 'HEALTHCHECK' ? /\bCMD\s+(\[.*\])\s*$/s.exec(text)?.[1] : text;
  if (json === undefined) throw new Error(`${instruction.getKeyword()} is not in exec form: ${text}`);
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) {
    throw new Error(`${instruction.getKeyword()} must be a JSON array of strings: ${text}`);
  }
  return parsed;
}

function imageEnvironment(stage: readonly Instruction[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const instruction of stage.filter((each) => each.getKeyword() === 'ENV')) {
    const [name, value] = (instruction.getRawArgumentsContent() ?? '').split('=', 2);
    if (name === undefined || value === undefined) throw new Error(`ENV must be NAME=value: ${instruction.toString()}`);
    env[name.trim()] = value.trim();
  }
  return env;
}

describe('Dockerfile', () => {
  it('passes dockerfile-utils with every optional check as an error', () => {
    expect(lint(DOCKERFILE)).toEqual([]);
  });

  it('the lint catches a broken health check (so the clean result above means something)', () => {
    const broken = DOCKERFILE.replace('--interval=30s', '--interval=30').replace('--retries=3', '--retry=3');
    expect(lint(broken)).toEqual([
      expect.stringContaining('Unknown flag: retry'),
      expect.stringContaining('missing unit in duration 30'),
    ]);
  });

  it('runs as an unprivileged user, under tini, one worker per core, with a health check on the image', () => {
    const stage = runtimeStage(DOCKERFILE);
    expect(argumentsOf(only(stage, 'USER'))).toEqual(['node']);
    expect(execForm(only(stage, 'ENTRYPOINT'))).toEqual(['/usr/bin/tini', '--']);
    expect(execForm(only(stage, 'CMD'))).toEqual(['node', 'dist/main.js']);
    expect(imageEnvironment(stage)).toMatchObject({ NODE_ENV: 'production', WORKERS: 'auto' });
    expect(execForm(only(stage, 'HEALTHCHECK'))).toEqual(['node', 'dist/cli/healthcheck.js']);
  });
});

const TINI = '/usr/bin/tini';
const canRun = existsSync(TINI);
if (!canRun) {
  if (process.env['CI'] === 'true')
    throw new Error(`CI=true but ${TINI} is missing; .ci/run installs the Debian package tini`);
  process.stderr.write(
    `\n[dockerfile] SKIPPING the replay of the image's entry command: ${TINI} is missing (apt-get install tini).\n`,
  );
}

interface ReplayedImage {
  readonly folder: string;
  readonly env: Record<string, string>;
  readonly command: string[];
  readonly healthcheck: string[];
}

/**
 * The runtime stage replayed into a temporary folder standing for WORKDIR: COPY from the build
 * context copies from the repository, COPY of the build stage's dist compiles it there, and the npm
 * install RUN is run as written (apart from `npm cache clean`, which would empty this machine's cache).
 */
function replayRuntimeStage(stage: readonly Instruction[]): ReplayedImage {
  const folder = mkdtempSync(path.join(tmpdir(), 'mail-autodiscover-image-'));
  for (const instruction of stage) {
    const words = argumentsOf(instruction);
    switch (instruction.getKeyword()) {
      case 'COPY': {
        const from = instruction instanceof Copy ? instruction.getFromFlag()?.getValue() : undefined;
        const [destination, ...sources] = words.reverse();
        if (destination === undefined) throw new Error(`COPY without a destination: ${instruction.toString()}`);
        if (from === undefined) {
          for (const source of sources) {
            cpSync(
              path.join(REPO_ROOT, source),
              path.join(folder, destination, destination.endsWith('/') ? source : ''),
              {
                recursive: true,
              },
            );
          }
        } else {
          expect({ from, sources }).toEqual({ from: 'build', sources: ['/app/dist'] });
          execFileSync(process.execPath, [
            require.resolve('typescript/bin/tsc'),
            '-p',
            path.join(REPO_ROOT, 'tsconfig.build.json'),
            '--outDir',
            path.join(folder, destination),
          ]);
        }
        break;
      }
      case 'RUN': {
        const npmInstall = (instruction.getRawArgumentsContent() ?? '')
          .split('&&')
          .map((step) => step.trim())
          .find((step) => step.startsWith('npm ci'));
        if (npmInstall !== undefined) {
          expect(npmInstall).toContain('--omit=dev');
          execFileSync('npm', npmInstall.split(/\s+/).slice(1), {
            cwd: folder,
            env: { ...process.env, npm_config_prefer_offline: 'true' },
            stdio: 'ignore',
          });
        }
        break;
      }
      default:
        break;
    }
  }
  return {
    folder,
    env: imageEnvironment(stage),
    command: [...execForm(only(stage, 'ENTRYPOINT')), ...execForm(only(stage, 'CMD'))],
    healthcheck: execForm(only(stage, 'HEALTHCHECK')),
  };
}

(canRun ? describe : describe.skip)('the image, replayed outside Docker on a production-only install', () => {
  let replayed: ReplayedImage | undefined;
  const image = (): ReplayedImage => {
    if (replayed === undefined) throw new Error('the image was not replayed (see beforeAll)');
    return replayed;
  };
  let port: number;
  /** What `docker run -e PORT=… -e HOST=…` would give the container: the image's ENV, nothing of this shell. */
  let containerEnv: Record<string, string>;

  beforeAll(async () => {
    replayed = replayRuntimeStage(runtimeStage(DOCKERFILE));
    port = await freePort();
    containerEnv = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: image().folder,
      ...image().env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    };
  });

  afterAll(() => {
    if (replayed !== undefined) rmSync(replayed.folder, { recursive: true, force: true });
  });

  /** Runs the HEALTHCHECK command as Docker would, without blocking this process (test servers here must answer). */
  function runHealthcheck(
    env: Record<string, string> = containerEnv,
  ): Promise<{ code: number | null; stderr: string }> {
    const [command, ...args] = image().healthcheck;
    const child = spawn(command ?? 'node', args, { cwd: image().folder, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    return new Promise((resolve) =>
      child.once('close', (code) => {
        clearTimeout(killer);
        resolve({ code, stderr });
      }),
    );
  }

  it('has no dev dependency installed', () => {
    expect(existsSync(path.join(image().folder, 'node_modules', 'express'))).toBe(true);
    expect(existsSync(path.join(image().folder, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(path.join(image().folder, 'node_modules', 'tsx'))).toBe(false);
  });

  it('serves with one worker per core; the health check passes while it runs and fails once it stopped', async () => {
    const [command, ...args] = image().command;
    const child = spawn(command ?? TINI, args, {
      cwd: image().folder,
      env: containerEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const started: ServiceProcess = {
      child,
      output: () => output,
      logLines: () =>
        output
          .split('\n')
          .filter((line) => line.startsWith('{') && line.endsWith('}'))
          .map((line) => JSON.parse(line) as ReturnType<ServiceProcess['logLines']>[number]),
      exited,
    };
    try {
      const ready = await waitForLogLine(started, 'cluster: every worker is listening');
      expect(ready['workerPids']).toHaveLength(availableParallelism());

      const alive = await runHealthcheck();
      expect(alive).toEqual({ code: 0, stderr: '' });
      const answer = await requestOnNewConnection(port, {
        path: '/mail/config-v1.1.xml?emailaddress=pop.user%40example.com',
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('<hostname>mamutmail.com</hostname>');

      child.kill('SIGTERM'); // as `docker stop` does: tini hands it to the service, which drains and exits 0
      expect(await exited).toBe(0);
      const dead = await runHealthcheck();
      expect(dead.code).toBe(1);
      expect(dead.stderr).toContain(`GET /healthz on 127.0.0.1:${port} failed: connect ECONNREFUSED`);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('the health check fails on a listener that never answers, within its timeout', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const silentPort = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const startedAt = Date.now();
      const result = await runHealthcheck({ ...containerEnv, PORT: String(silentPort) });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('no answer within 3000 ms');
      expect(Date.now() - startedAt).toBeLessThan(8_000);
    } finally {
      silent.close();
    }
  });

  it('the health check fails on an answer other than 200', async () => {
    const unwell = http.createServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((resolve) => unwell.listen(0, '127.0.0.1', resolve));
    const address = unwell.address();
    try {
      const result = await runHealthcheck({
        ...containerEnv,
        PORT: String(typeof address === 'object' && address !== null ? address.port : 0),
      });
      expect(result).toEqual({ code: 1, stderr: 'healthcheck: GET /healthz answered 503\n' });
    } finally {
      unwell.close();
    }
  });

  it('the health check follows the config file (port; loopback for a wildcard host), and fails on an invalid config', async () => {
    const configPort = await freePort();
    // Nothing listens there; the check asks the loopback address for a listener on every interface.
    const { folder, configFile } = writeConfigFolder({ server: { host: '0.0.0.0', port: configPort } });
    try {
      const { PORT, HOST, ...fromTheImage } = containerEnv;
      expect([PORT, HOST]).toEqual([String(port), '127.0.0.1']);
      const fromFile = await runHealthcheck({ ...fromTheImage, CONFIG_FILE: configFile });
      expect(fromFile.code).toBe(1);
      expect(fromFile.stderr).toContain(`GET /healthz on 127.0.0.1:${configPort} failed`);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    const invalid = await runHealthcheck({ ...containerEnv, WORKERS: 'many' });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('WORKERS');
  });
});
