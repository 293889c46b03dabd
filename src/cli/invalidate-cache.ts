import pino from 'pino';
import { redisConfigured } from '../config/cache-schema';
import { loadConfig } from '../config/load';
import { ADMIN_INVALIDATE_PATH, parseInvalidationTarget, type InvalidationTarget } from '../cache/invalidation-target';
import { RedisLookupCache } from '../cache/redis-cache';
import { describeRedisTarget } from '../cache/redis-client';
import { isOutcome, parseCommandLine, usageError, type CliCommand } from './command-line';
import { done, listProblems, type Outcome } from './outcome';

const NAME = 'cache invalidate';

const USAGE = `Usage: mail-autodiscover cache invalidate (--address ADDRESS | --domain DOMAIN) [--url BASE_URL]
  mail-autodiscover cache invalidate --address jane@example.com
  mail-autodiscover cache invalidate --domain example.com
  mail-autodiscover cache invalidate --domain example.com --url http://127.0.0.1:8080
  (from a checkout: npm run cache:invalidate -- --domain example.com)
Drops cached directory answers so an admin's change takes effect at once.
With Redis configured (cache.redis in CONFIG_FILE, or REDIS_URL) the keys are deleted from Redis and
every running instance is told. Without Redis each instance keeps its own in-process cache: pass
--url (the instance's base URL, admin token in ADMIN_TOKEN), once per instance.
Options: --address ADDRESS, --domain DOMAIN, --url BASE_URL, -h/--help.
Exit codes: 0 done, 1 failed, 2 usage.`;

const failed = (message: string): Outcome => ({ code: 1, message: `${NAME}: ${message}` });
const usage = (message: string): Outcome => usageError({ name: NAME, usage: USAGE }, message);

interface Command {
  readonly target: InvalidationTarget;
  readonly url: string | undefined;
}

function parseCommand(args: string[]): Command | Outcome {
  const parsed = parseCommandLine(
    { name: NAME, usage: USAGE },
    args,
    { address: { type: 'string' }, domain: { type: 'string' }, url: { type: 'string' } },
    { min: 0, max: 0, what: 'no arguments besides the options' },
  );
  if (isOutcome(parsed)) return parsed;
  const { values } = parsed;
  const body = {
    ...(values.address === undefined ? {} : { address: values.address }),
    ...(values.domain === undefined ? {} : { domain: values.domain }),
  };
  if (Object.keys(body).length !== 1) return usage('give exactly one of --address or --domain');
  const target = parseInvalidationTarget(body);
  if (!target.ok) return usage(`--${target.error}`);
  if (values.url !== undefined && !/^https?:\/\/[^/]/.test(values.url)) {
    return usage(
      `--url must be the instance's base URL such as "http://127.0.0.1:8080", got ${JSON.stringify(values.url)}`,
    );
  }
  return { target: target.value, url: values.url };
}

const describeTarget = (target: InvalidationTarget): string =>
  'address' in target ? `address ${target.address}` : `domain ${target.domain}`;

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  const command = parseCommand(args);
  if (isOutcome(command)) return command;
  const loaded = loadConfig(env);
  if (command.url !== undefined) {
    const token = env['ADMIN_TOKEN'] ?? (loaded.ok ? loaded.value.config.admin.token : null);
    if (token === null || token === '') return usage('--url needs the admin token: set ADMIN_TOKEN');
    return viaAdminApi(command.url, token, command.target);
  }
  if (!loaded.ok) return listProblems(NAME, 'the configuration is invalid', loaded.error);
  const redis = loaded.value.config.cache.redis;
  if (!redisConfigured(redis)) {
    return usage(
      'no Redis is configured (cache.redis or REDIS_URL), so every instance keeps its own in-process cache ' +
        'that only that instance can drop; pass --url http://HOST:PORT of each instance (with ADMIN_TOKEN set)',
    );
  }
  const cache = RedisLookupCache.connect(redis, pino({ level: 'silent' }), { subscribe: false });
  try {
    await cache.ready(Math.max(redis.connectTimeoutMs * 2, 3000));
    const report = await cache.invalidateEverywhere(command.target);
    return done(
      `${NAME}: ${describeTarget(command.target)}: deleted ${report.deletedKeys} cached answer(s) from Redis ` +
        `(${describeRedisTarget(redis)}, prefix "${redis.keyPrefix}") and ` +
        (report.notifiedInstances === null
          ? 'published the invalidation to the cluster'
          : `told ${report.notifiedInstances} running instance(s)`),
    );
  } catch (error) {
    return failed(`Redis (${describeRedisTarget(redis)}): ${error instanceof Error ? error.message : String(error)}`);
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
    return failed(`cannot reach ${url.origin}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await res.text();
  if (res.ok) return done(`${NAME}: ${describeTarget(target)}: dropped by ${url.origin}`);
  if (res.status === 404)
    return failed(`${url.origin} has no admin API (404): start it with ADMIN_TOKEN (or admin.token) set`);
  if (res.status === 401)
    return failed(`${url.origin} refused the token (401): ADMIN_TOKEN must equal the instance's admin token`);
  return failed(`${url.origin} answered ${res.status}: ${text.trim()}`);
}

export const invalidateCacheCommand: CliCommand = {
  name: NAME,
  summary: 'drop cached directory answers of an address or a domain',
  usage: USAGE,
  run,
};
