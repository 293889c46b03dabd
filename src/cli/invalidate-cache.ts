import { parseArgs } from 'node:util';
import pino from 'pino';
import { redisConfigured } from '../config/cache-schema';
import { loadConfig } from '../config/load';
import { ADMIN_INVALIDATE_PATH, parseInvalidationTarget, type InvalidationTarget } from '../cache/invalidation-target';
import { RedisLookupCache } from '../cache/redis-cache';
import { describeRedisTarget } from '../cache/redis-client';

const USAGE = `Usage:
  npm run cache:invalidate -- --address jane@example.com
  npm run cache:invalidate -- --domain example.com
  npm run cache:invalidate -- --domain example.com --url http://127.0.0.1:8080
Drops cached directory answers so an admin's change takes effect at once.
With Redis configured (cache.redis in CONFIG_FILE, or REDIS_URL) the keys are deleted from Redis and
every running instance is told. Without Redis each instance keeps its own in-process cache: pass
--url (the instance's base URL, admin token in ADMIN_TOKEN), once per instance.
Exit codes: 0 done, 1 failed, 2 usage.`;

type Outcome = { readonly code: 0 | 1 | 2; readonly message: string };
const done = (message: string): Outcome => ({ code: 0, message });
const failed = (message: string): Outcome => ({ code: 1, message });
const usage = (message: string): Outcome => ({ code: 2, message: `${message}\n\n${USAGE}` });

interface Command {
  readonly target: InvalidationTarget;
  readonly url: string | undefined;
}

function parseCommand(args: string[]): Command | Outcome {
  let values: {
    address?: string | undefined;
    domain?: string | undefined;
    url?: string | undefined;
    help?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        address: { type: 'string' },
        domain: { type: 'string' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return usage(`cache:invalidate: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (values.help === true) return { code: 0, message: USAGE };
  const body = {
    ...(values.address === undefined ? {} : { address: values.address }),
    ...(values.domain === undefined ? {} : { domain: values.domain }),
  };
  if (Object.keys(body).length !== 1) return usage('cache:invalidate: give exactly one of --address or --domain');
  const target = parseInvalidationTarget(body);
  if (!target.ok) return usage(`cache:invalidate: --${target.error}`);
  if (values.url !== undefined && !/^https?:\/\/[^/]/.test(values.url)) {
    return usage(
      `cache:invalidate: --url must be the instance's base URL such as "http://127.0.0.1:8080", got ${JSON.stringify(values.url)}`,
    );
  }
  return { target: target.value, url: values.url };
}

const describeTarget = (target: InvalidationTarget): string =>
  'address' in target ? `address ${target.address}` : `domain ${target.domain}`;

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  const command = parseCommand(args);
  if ('code' in command) return command;
  const loaded = loadConfig(env);
  if (command.url !== undefined) {
    const token = env['ADMIN_TOKEN'] ?? (loaded.ok ? loaded.value.config.admin.token : null);
    if (token === null || token === '') return usage('cache:invalidate: --url needs the admin token: set ADMIN_TOKEN');
    return viaAdminApi(command.url, token, command.target);
  }
  if (!loaded.ok)
    return failed(
      `cache:invalidate: the configuration is invalid:\n${loaded.error.map((line) => `  - ${line}`).join('\n')}`,
    );
  const redis = loaded.value.config.cache.redis;
  if (!redisConfigured(redis)) {
    return usage(
      'cache:invalidate: no Redis is configured (cache.redis or REDIS_URL), so every instance keeps its own in-process cache ' +
        'that only that instance can drop; pass --url http://HOST:PORT of each instance (with ADMIN_TOKEN set)',
    );
  }
  const cache = RedisLookupCache.connect(redis, pino({ level: 'silent' }), { subscribe: false });
  try {
    await cache.ready(Math.max(redis.connectTimeoutMs * 2, 3000));
    const report = await cache.invalidateEverywhere(command.target);
    return done(
      `cache:invalidate: ${describeTarget(command.target)}: deleted ${report.deletedKeys} cached answer(s) from Redis ` +
        `(${describeRedisTarget(redis)}, prefix "${redis.keyPrefix}") and ` +
        (report.notifiedInstances === null
          ? 'published the invalidation to the cluster'
          : `told ${report.notifiedInstances} running instance(s)`),
    );
  } catch (error) {
    return failed(
      `cache:invalidate: Redis (${describeRedisTarget(redis)}): ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    await cache.close();
  }
}

async function viaAdminApi(baseUrl: string, token: string, target: InvalidationTarget): Promise<Outcome> {
  const url = new URL(ADMIN_INVALIDATE_PATH, baseUrl);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(target),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    return failed(
      `cache:invalidate: cannot reach ${url.origin}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const text = await res.text();
  if (res.ok) return done(`cache:invalidate: ${describeTarget(target)}: dropped by ${url.origin}`);
  if (res.status === 404)
    return failed(
      `cache:invalidate: ${url.origin} has no admin API (404): start it with ADMIN_TOKEN (or admin.token) set`,
    );
  if (res.status === 401)
    return failed(
      `cache:invalidate: ${url.origin} refused the token (401): ADMIN_TOKEN must equal the instance's admin token`,
    );
  return failed(`cache:invalidate: ${url.origin} answered ${res.status}: ${text.trim()}`);
}

void run(process.argv.slice(2), process.env).then((outcome) => {
  (outcome.code === 0 ? process.stdout : process.stderr).write(`${outcome.message}\n`);
  process.exitCode = outcome.code;
});
