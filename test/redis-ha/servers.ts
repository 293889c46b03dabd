import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from '../redis/support';

/**
 * Real Redis Cluster and Sentinel deployments for the tests: redis-server processes on free loopback
 * ports, each with its own temporary directory, started by the test and always stopped by it.
 */

const TOOLS = ['redis-server', 'redis-cli'] as const;
const MISSING_TOOLS = TOOLS.filter((tool) => spawnSync(tool, ['--version']).error !== undefined);

/**
 * `describe` when redis-server and redis-cli are on PATH; otherwise a skipped describe and a line
 * saying what was skipped. Under CI=true a missing tool fails the file instead (.ci/run installs them).
 */
export function describeWithRedisHa(file: string): jest.Describe {
  if (MISSING_TOOLS.length === 0) return describe;
  const list = MISSING_TOOLS.join(' and ');
  if (process.env['CI'] === 'true')
    throw new Error(`CI=true but no ${list} on PATH; ${file} needs redis-server and redis-cli (.ci/run installs them)`);
  process.stderr.write(
    `\n[redis-ha] SKIPPING ${file}: no ${list} on PATH. Install Debian's redis-server and redis-tools and rerun.\n`,
  );
  return describe.skip;
}

export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

const HOST = '127.0.0.1';
/** Generous: the machine may be busy with other test files. */
const START_TIMEOUT_MS = 15_000;

/** Every process and folder a test file started, killed and removed at the latest when the jest worker exits. */
const running = new Set<ChildProcess>();
const folders = new Set<string>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether a command's answer satisfies `check`; false while the node cannot answer yet. */
async function answers(
  node: RedisNode,
  command: [string, ...Array<string | number>],
  check: (answer: unknown) => boolean,
): Promise<boolean> {
  try {
    return check(await askNode(node, ...command));
  } catch {
    return false;
  }
}

/** One short-lived connection for one command (the tests' look into a node). */
export async function askNode(node: RedisNode, ...command: [string, ...Array<string | number>]): Promise<unknown> {
  const client = new Redis({ ...node, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(...command);
  } finally {
    client.disconnect();
  }
}

/** The names (CLIENT SETNAME) of the connections a node has now. */
export async function clientNamesOn(node: RedisNode): Promise<string[]> {
  const list = String(await askNode(node, 'CLIENT', 'LIST'));
  return list
    .split('\n')
    .map((line) => / name=(\S*)/.exec(line)?.[1] ?? '')
    .filter((name) => name !== '');
}

/** A field of an INFO section, e.g. infoField(text, 'role'). */
function infoField(info: unknown, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(String(info))?.[1]?.trim();
}

/**
 * A group of redis-server processes in one temporary directory. `stop()` kills them all (SIGKILL:
 * nothing of theirs needs saving) and removes the directory; it is safe to call more than once.
 */
class RedisProcesses {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'redis-ha-'));

  constructor() {
    folders.add(this.dir);
  }
  private readonly byPort = new Map<number, ChildProcess>();

  /** Starts `redis-server <args>` logging to <dir>/<name>.log and waits until it answers PING. */
  async start(name: string, port: number, args: readonly string[]): Promise<RedisNode> {
    const child = spawn('redis-server', [...args, '--logfile', path.join(this.dir, `${name}.log`)], {
      stdio: 'ignore',
    });
    running.add(child);
    this.byPort.set(port, child);
    child.once('exit', () => running.delete(child));
    const node = { host: HOST, port };
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`redis-server ${name} exited: ${this.log(name)}`);
        return answers(node, ['PING'], (answer) => answer === 'PONG');
      },
      `redis-server ${name} on port ${port}`,
      START_TIMEOUT_MS,
    ).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${this.log(name)}`);
    });
    return node;
  }

  /** SIGKILL, as a crashed or unplugged server goes. */
  async kill(node: RedisNode): Promise<void> {
    const child = this.byPort.get(node.port);
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.byPort.keys()].map((port) => this.kill({ host: HOST, port })));
    rmSync(this.dir, { recursive: true, force: true });
    folders.delete(this.dir);
  }

  /** The end of a server's log, for failure messages. */
  log(name: string): string {
    try {
      return readFileSync(path.join(this.dir, `${name}.log`), 'utf8')
        .split('\n')
        .slice(-15)
        .join('\n');
    } catch {
      return '(no log)';
    }
  }
}

/** Options every data node gets: loopback only, nothing written to disk. */
const dataNodeArgs = (port: number, dir: string): string[] => [
  '--port',
  String(port),
  '--bind',
  HOST,
  '--dir',
  dir,
  '--save',
  '',
  '--appendonly',
  'no',
  // A replica (re)syncs at once, not after the default 5 s wait for others to join.
  '--repl-diskless-sync-delay',
  '0',
];

export interface RedisCluster {
  /** The three masters, each holding a third of the hash slots. */
  readonly nodes: readonly RedisNode[];
  stop(): Promise<void>;
}

/** Three masters (no replicas) joined with `redis-cli --cluster create`; resolves when every node reports cluster_state:ok. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const processes = new RedisProcesses();
  try {
    const nodes: RedisNode[] = [];
    for (let index = 0; index < 3; index += 1) {
      const [port, busPort] = [await freePort(), await freePort()];
      nodes.push(
        await processes.start(`cluster-${index}`, port, [
          ...dataNodeArgs(port, processes.dir),
          '--cluster-enabled',
          'yes',
          // The bus port is chosen too: port + 10000, the default, may be taken or past 65535.
          '--cluster-port',
          String(busPort),
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          '2000',
        ]),
      );
    }
    await run('redis-cli', [
      '--cluster',
      'create',
      ...nodes.map((node) => `${node.host}:${node.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const node of nodes)
      await waitFor(
        () => answers(node, ['CLUSTER', 'INFO'], (info) => infoField(info, 'cluster_state') === 'ok'),
        `cluster_state:ok on ${node.port}`,
        START_TIMEOUT_MS,
      );
    return { nodes, stop: () => processes.stop() };
  } catch (error) {
    await processes.stop();
    throw error;
  }
}

export const SENTINEL_MASTER_NAME = 'mymaster';

export interface SentinelGroup {
  /** The data nodes: the first starts as master, the second as its replica. */
  readonly dataNodes: readonly RedisNode[];
  readonly sentinels: readonly RedisNode[];
  /** The master the (first) sentinel names now. */
  currentMaster(): Promise<RedisNode>;
  /**
   * Waits until every sentinel names the same master, knows the two other sentinels, and sees each
   * other running data node as its replica with the replication link up: a failover can then happen.
   * Resolves to that master.
   */
  settled(): Promise<RedisNode>;
  /** Kills a data node (SIGKILL). */
  kill(node: RedisNode): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One master, one replica and three sentinels (quorum 2) watching them as SENTINEL_MASTER_NAME, with
 * short timeouts so a failover takes seconds: the master counts as down after 1 s of silence.
 * Resolves once the replica is in sync and every sentinel knows the replica and the two other sentinels,
 * which a failover needs.
 */
export async function startSentinelGroup(): Promise<SentinelGroup> {
  const processes = new RedisProcesses();
  try {
    const masterPort = await freePort();
    const master = await processes.start('master', masterPort, dataNodeArgs(masterPort, processes.dir));
    const replicaPort = await freePort();
    const replica = await processes.start('replica', replicaPort, [
      ...dataNodeArgs(replicaPort, processes.dir),
      '--replicaof',
      HOST,
      String(masterPort),
    ]);
    await waitFor(
      () => answers(replica, ['INFO', 'replication'], (info) => infoField(info, 'master_link_status') === 'up'),
      'the replica to sync',
      START_TIMEOUT_MS,
    );
    const sentinels: RedisNode[] = [];
    for (let index = 0; index < 3; index += 1) {
      const port = await freePort();
      // A sentinel rewrites its config file (what it learns), so each has its own.
      const file = path.join(processes.dir, `sentinel-${port}.conf`);
      writeFileSync(
        file,
        [
          `port ${port}`,
          `bind ${HOST}`,
          `dir ${processes.dir}`,
          `sentinel monitor ${SENTINEL_MASTER_NAME} ${HOST} ${masterPort} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 1000`,
          `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 5000`,
          `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`,
          '',
        ].join('\n'),
      );
      sentinels.push(await processes.start(`sentinel-${index}`, port, [file, '--sentinel']));
    }
    const group = {
      dataNodes: [master, replica],
      sentinels,
      currentMaster: () => masterNamedBy(sentinels[0] ?? master),
      settled: () => settled(sentinels, [master, replica]),
      kill: (node: RedisNode) => processes.kill(node),
      stop: () => processes.stop(),
    };
    await group.settled();
    return group;
  } catch (error) {
    await processes.stop();
    throw error;
  }
}

async function masterNamedBy(sentinel: RedisNode): Promise<RedisNode> {
  const [host = '', port = ''] = (await askNode(
    sentinel,
    'SENTINEL',
    'GET-MASTER-ADDR-BY-NAME',
    SENTINEL_MASTER_NAME,
  )) as string[];
  return { host, port: Number(port) };
}

/** SENTINEL REPLICAS / SENTINELS answer with one flat [field, value, ...] list per entry. */
function fieldsOf(entry: unknown): Map<string, string> {
  const list = (entry as string[]).map(String);
  const fields = new Map<string, string>();
  for (let index = 0; index + 1 < list.length; index += 2) fields.set(list[index] ?? '', list[index + 1] ?? '');
  return fields;
}

async function settled(sentinels: readonly RedisNode[], dataNodes: readonly RedisNode[]): Promise<RedisNode> {
  let master: RedisNode = { host: HOST, port: 0 };
  await waitFor(
    async () => {
      const named = await Promise.all(sentinels.map(masterNamedBy));
      const first = named[0];
      if (first === undefined || named.some((node) => node.port !== first.port)) return false;
      master = first;
      const alive = await Promise.all(dataNodes.map((node) => answers(node, ['PING'], (answer) => answer === 'PONG')));
      const replicas = dataNodes.filter((node, index) => alive[index] === true && node.port !== first.port);
      for (const sentinel of sentinels) {
        const others = (await askNode(sentinel, 'SENTINEL', 'SENTINELS', SENTINEL_MASTER_NAME)) as unknown[];
        if (others.length !== sentinels.length - 1) return false;
        const known = ((await askNode(sentinel, 'SENTINEL', 'REPLICAS', SENTINEL_MASTER_NAME)) as unknown[]).map(
          fieldsOf,
        );
        const healthy = replicas.every((replica) =>
          known.some(
            (fields) =>
              fields.get('port') === String(replica.port) &&
              fields.get('flags') === 'slave' &&
              fields.get('master-link-status') === 'ok',
          ),
        );
        if (!healthy) return false;
      }
      return true;
    },
    'the sentinels to agree on the master and see its replica in sync',
    30_000,
  );
  return master;
}

function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
    });
  });
}
