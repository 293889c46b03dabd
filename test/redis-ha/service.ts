import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import request from 'supertest';
import { composeServiceAround, type Service } from '../../src/compose';
import { loadConfig } from '../../src/config/load';
import type { AppConfig } from '../../src/config/schema';
import type { AccountDirectory } from '../../src/directory/account-directory';
import type { AccountsInput } from '../support/mutable-directory';
import { REPO_ROOT, FIXED_NOW } from '../support/app';
import { runCli, TOOL, type CliRun } from '../support/cli';
import { offeredAccessType, TEST_ADMIN_TOKEN } from '../redis/support';

export { TEST_ADMIN_TOKEN };

/** The directory a test starts from: jane@example.com and all of example.org get Business Mail. */
export const ACCOUNTS: AccountsInput = {
  domains: [
    { domain: 'example.com', defaultAccessType: 'pop' },
    { domain: 'example.org', defaultAccessType: 'business' },
  ],
  accounts: [{ address: 'jane@example.com', accessType: 'business' }],
};

/** The admin's change: every mailbox now gets POP access, so a stale cached answer shows. */
export const ALL_POP: AccountsInput = {
  domains: [
    { domain: 'example.com', defaultAccessType: 'pop' },
    { domain: 'example.org', defaultAccessType: 'pop' },
  ],
  accounts: [{ address: 'jane@example.com', accessType: 'pop' }],
};

/** The rate limit of the rate-limit tests: the 4th request of a client IP in a minute is refused. */
export const TEST_LIMIT = { points: 3, durationSeconds: 60 };

/**
 * The statuses of TEST_LIMIT.points + 1 discovery requests from one client IP (X-Forwarded-For, the
 * tests being the trusted proxy), sent to the instances in turn.
 */
export async function statusesAcross(instances: readonly Service[], clientIp: string): Promise<number[]> {
  const probe = '/autodiscover/autodiscover.json/v1.0/user@example.com?Protocol=AutodiscoverV1';
  const statuses: number[] = [];
  for (let index = 0; index <= TEST_LIMIT.points; index += 1) {
    const instance = instances[index % instances.length];
    if (instance === undefined) throw new Error('no instances');
    statuses.push((await request(instance.app).get(probe).set('X-Forwarded-For', clientIp)).status);
  }
  return statuses;
}

/**
 * A config folder as an operator writes it: config/default.json with `cache.redis` pointing at the
 * test's Cluster or Sentinel group, the admin API on, the rate limit as given and loopback as a
 * trusted proxy. The service and
 * the cache CLI both read this file, so what is tested is the documented configuration.
 */
export class HaConfigFolder {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'redis-ha-config-'));
  readonly file = path.join(this.dir, 'config.json');

  constructor(redis: Record<string, unknown>, rateLimit: { points: number; durationSeconds: number } | null = null) {
    const example = JSON.parse(readFileSync(path.join(REPO_ROOT, 'config/default.json'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    writeFileSync(
      this.file,
      JSON.stringify({
        ...example,
        // The tests are the proxy: X-Forwarded-For gives each simulated client its own IP.
        server: { ...example['server'], trustProxy: ['loopback'] },
        directory: { type: 'file', file: path.join(REPO_ROOT, 'config/accounts.json') },
        cache: { ...example['cache'], redis },
        rateLimit: rateLimit === null ? { enabled: false } : { enabled: true, ...rateLimit },
        admin: { token: TEST_ADMIN_TOKEN },
      }),
    );
  }

  /** The file loaded exactly as main.ts loads it. */
  load(): AppConfig {
    const loaded = loadConfig({ CONFIG_FILE: this.file });
    if (!loaded.ok) throw new Error(loaded.error.join('\n'));
    return loaded.value.config;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * One service instance composed as main.ts composes it (compose.ts) from the folder's config, in
 * front of `source` (shared by a test's instances, like a database) instead of the account file.
 */
export function haInstance(
  folder: HaConfigFolder,
  source: AccountDirectory,
  logger: Logger = pino({ level: 'silent' }),
): Service {
  const service = composeServiceAround(folder.load(), source, logger, { now: () => FIXED_NOW });
  if (!service.ok) throw new Error(service.error.join('\n'));
  return service.value;
}

/** The access type the instance's autoconfig answer offers the address (a 200 answer is required). */
export async function offered(instance: Service, address: string): Promise<'business' | 'pop'> {
  const res = await request(instance.app).get('/mail/config-v1.1.xml').query({ emailaddress: address });
  if (res.status !== 200) throw new Error(`autoconfig for ${address}: HTTP ${res.status} ${res.text}`);
  return offeredAccessType(res.text);
}

/** POST /admin/cache/invalidate on the instance with the admin token. */
export function invalidateThrough(instance: Service, body: object): request.Test {
  return request(instance.app)
    .post('/admin/cache/invalidate')
    .set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
    .send(body);
}

/** `npm run cli -- cache invalidate <args>` with the folder's config, the way npm runs it (tsx). */
export function cacheCli(folder: HaConfigFolder, args: readonly string[]): Promise<CliRun> {
  return runCli(TOOL, ['cache', 'invalidate', ...args], {
    CONFIG_FILE: folder.file,
    LOG_LEVEL: 'silent',
  });
}
