import net, { type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { redisSchema } from '../../src/config/cache-schema';
import { closeRedisClient, createRedisClient, type RedisClient } from '../../src/cache/redis-client';
import { describeWithRedis, TEST_REDIS_URL, uniqueTestNamespace } from '../support/backends';
import { clientIdsNamed, parseCommands, waitFor } from '../redis/support';

/**
 * How a Sentinel-mode client follows a failover the sentinels announce (+switch-master), against a
 * scripted sentinel, so that the announcement can be sent at exactly the awkward moment: while the
 * client is asking the sentinel where the master is. The master is the test Redis.
 */

const MASTER_NAME = 'mymaster';

/** A sentinel that answers where the master is (or holds that answer back) and publishes +switch-master on demand. */
class ScriptedSentinel {
  private readonly server = net.createServer((socket) => this.accept(socket));
  private readonly sockets = new Set<net.Socket>();
  private readonly subscribers = new Set<net.Socket>();
  private holding = false;
  private readonly held: Array<() => void> = [];

  constructor(private readonly master: { host: string; port: number }) {}

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  get watchers(): number {
    return this.subscribers.size;
  }

  get heldQuestions(): number {
    return this.held.length;
  }

  /** From now on, questions for the master's address wait for release(). */
  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const answer of this.held.splice(0)) answer();
  }

  private switches = 0;

  /**
   * What sentinels publish when they have promoted a replica, naming a new address each time (the
   * client asks the sentinel for the master anyway, which answers with the same one).
   */
  announceSwitch(): void {
    this.switches += 1;
    const { host, port } = this.master;
    const text = `${MASTER_NAME} ${host} ${port} 192.0.2.${this.switches} ${port}`;
    for (const socket of this.subscribers)
      socket.write(`*3\r\n${bulk('message')}${bulk('+switch-master')}${bulk(text)}`);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.subscribers.delete(socket);
    });
    socket.on('data', (chunk) => {
      for (const [name = '', ...args] of parseCommands(chunk.toString('utf8'))) {
        const command = `${name} ${args[0] ?? ''}`.toUpperCase();
        if (command === 'SENTINEL GET-MASTER-ADDR-BY-NAME') {
          const answer = (): boolean =>
            socket.write(`*2\r\n${bulk(this.master.host)}${bulk(String(this.master.port))}`);
          if (this.holding) this.held.push(answer);
          else answer();
        } else if (command === 'SENTINEL SENTINELS') socket.write('*0\r\n');
        else if (name.toUpperCase() === 'SUBSCRIBE') {
          this.subscribers.add(socket);
          args.forEach((channel, index) => socket.write(`*3\r\n${bulk('subscribe')}${bulk(channel)}:${index + 1}\r\n`));
        } else socket.write('+OK\r\n');
      }
    });
  }
}

function bulk(text: string): string {
  return `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
}

describeWithRedis('Sentinel mode › following a failover the sentinels announce', () => {
  const prefix = uniqueTestNamespace('failover_watch');
  const master = new URL(TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  const sentinel = new ScriptedSentinel({ host: master.hostname, port: Number(master.port) });
  let inspector: Redis;
  let client: RedisClient | undefined;

  beforeAll(async () => {
    const port = await sentinel.listen();
    inspector = new Redis(TEST_REDIS_URL ?? '');
    const config = redisSchema.parse({
      keyPrefix: prefix,
      sentinel: { sentinels: [{ host: '127.0.0.1', port }], name: MASTER_NAME },
    });
    client = createRedisClient(config, 'watched', () => undefined);
    await waitFor(() => client?.status === 'ready', 'the client to connect');
    await waitFor(() => sentinel.watchers > 0, 'the client to watch the sentinel');
  });
  afterAll(async () => {
    if (client !== undefined) await closeRedisClient(client);
    await sentinel.close();
    inspector.disconnect();
  });

  const connectionIds = (): Promise<string[]> => clientIdsNamed(inspector, `${prefix}:watched`);

  test('announced while connected › the client reconnects through the sentinel at once', async () => {
    const [before] = await connectionIds();
    sentinel.announceSwitch();
    await waitFor(async () => {
      const ids = await connectionIds();
      return client?.status === 'ready' && ids.length === 1 && ids[0] !== before;
    }, 'a new connection');
  });

  test('announced while the client asks the sentinel where the master is › it still connects', async () => {
    sentinel.hold();
    for (const id of await connectionIds()) await inspector.client('KILL', 'ID', id);
    await waitFor(() => sentinel.heldQuestions > 0, 'the client to ask for the master again');
    sentinel.announceSwitch();
    await new Promise((resolve) => setTimeout(resolve, 50)); // the announcement arrives first
    sentinel.release();
    await waitFor(() => client?.status === 'ready' || client?.status === 'end', 'the client to connect or give up');
    expect(client?.status).toBe('ready');
  });

  test('closed › no watch is left on the sentinel', async () => {
    if (client !== undefined) await closeRedisClient(client);
    await waitFor(() => sentinel.watchers === 0, 'the watch to close');
  });
});
