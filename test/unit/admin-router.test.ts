import pino from 'pino';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { ADMIN_FAILED_ATTEMPTS, ADMIN_FAILURE_WINDOW_SECONDS } from '../../src/http/admin-router';
import type { InvalidatableDirectory } from '../../src/cache/cached-directory';
import { composeServiceAround } from '../../src/compose';
import type { AppConfig } from '../../src/config/schema';
import { exampleConfig, FIXED_NOW } from '../support/app';
import { MutableDirectory, type AccountsInput } from '../support/mutable-directory';

const TOKEN = 'unit-test-admin-token-0123456789';
const PATH = '/admin/cache/invalidate';
const ACCOUNTS: AccountsInput = {
  domains: [
    { domain: 'example.com', defaultAccessType: 'pop' },
    { domain: 'example.org', defaultAccessType: 'pop' },
  ],
  accounts: [{ address: 'jane@example.com', accessType: 'business' }],
};

function configWith(token: string | null): AppConfig {
  const config = structuredClone(exampleConfig().config);
  config.admin.token = token;
  config.rateLimit.enabled = false;
  return config;
}

/** The app on the in-process cache, as main.ts composes it when no Redis is configured. */
function setUp(options: { token?: string | null } = {}) {
  const source = new MutableDirectory(ACCOUNTS);
  const config = configWith(options.token === undefined ? TOKEN : options.token);
  const service = composeServiceAround(config, source, pino({ level: 'silent' }), { now: () => FIXED_NOW });
  if (!service.ok) throw new Error(service.error.join('\n'));
  const { app } = service.value;
  const offered = async (address: string): Promise<string> => {
    const res = await request(app).get('/mail/config-v1.1.xml').query({ emailaddress: address });
    return res.text.includes('<incomingServer type="exchange"') ? 'business' : 'pop';
  };
  return { app, source, offered, service: service.value };
}

const post = (
  app: ReturnType<typeof setUp>['app'],
  body: unknown,
  authorization: string | null = `Bearer ${TOKEN}`,
) => {
  const req = request(app).post(PATH);
  if (authorization !== null) req.set('Authorization', authorization);
  return typeof body === 'string' ? req.set('Content-Type', 'application/json').send(body) : req.send(body as object);
};

describe(`POST ${PATH} › authentication comes before anything else`, () => {
  test.each([
    ['a malformed body', '{"address": '],
    ['a 5 KiB body (over the 1 KiB cap)', JSON.stringify({ address: `${'a'.repeat(5 * 1024)}@example.com` })],
    ['a body that is not JSON at all', 'address=jane@example.com'],
  ])('no token and %s › 401, not 400 or 413', async (_label, body) => {
    const { app } = setUp();
    expect((await post(app, body, null)).status).toBe(401);
    expect((await post(app, body, 'Bearer wrong-token')).status).toBe(401);
  });

  test.each([
    ['another scheme first', `Basic eDp5, Bearer ${TOKEN}`],
    ['something after the token', `Bearer ${TOKEN} extra`],
    ['the token twice', `Bearer ${TOKEN}, Bearer ${TOKEN}`],
    ['no scheme', TOKEN],
  ])('the right token with %s › 401, nothing dropped', async (_label, authorization) => {
    const { app, source, offered } = setUp();
    expect(await offered('jane@example.com')).toBe('business');
    source.replace({ ...ACCOUNTS, accounts: [{ address: 'jane@example.com', accessType: 'pop' }] });
    expect((await post(app, { address: 'jane@example.com' }, authorization)).status).toBe(401);
    expect(await offered('jane@example.com')).toBe('business'); // still the cached answer
  });
});

describe(`POST ${PATH} › wrong tokens are throttled per client address`, () => {
  test(`after ${ADMIN_FAILED_ATTEMPTS} wrong tokens: 429 with Retry-After, even for the right token`, async () => {
    const { app } = setUp();
    for (let attempt = 0; attempt < ADMIN_FAILED_ATTEMPTS; attempt++) {
      expect((await post(app, { address: 'jane@example.com' }, `Bearer wrong-${attempt}`)).status).toBe(401);
    }
    const refused = await post(app, { address: 'jane@example.com' }, 'Bearer wrong-again');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'TooManyFailedAttempts' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(ADMIN_FAILURE_WINDOW_SECONDS);
    expect((await post(app, { address: 'jane@example.com' })).status).toBe(429);
  });

  test('the right token does not spend the budget', async () => {
    const { app } = setUp();
    for (let attempt = 0; attempt < ADMIN_FAILED_ATTEMPTS + 5; attempt++) {
      expect((await post(app, { address: 'jane@example.com' })).status).toBe(200);
    }
  });
});

describe(`POST ${PATH} › authentication`, () => {
  test('no admin.token configured › 404 like any unknown path', async () => {
    const { app } = setUp({ token: null });
    const res = await post(app, { address: 'jane@example.com' });
    expect(res.status).toBe(404);
  });

  test('no Authorization header › 401 AuthenticationRequired with WWW-Authenticate', async () => {
    const { app } = setUp();
    const res = await post(app, { address: 'jane@example.com' }, null);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="mail-autodiscover admin"');
    expect(res.body).toEqual({
      error: 'AuthenticationRequired',
      message: expect.stringContaining('Authorization: Bearer') as unknown,
    });
  });

  test.each([['Bearer not-the-token-0123456789'], [`Bearer ${TOKEN}x`], [`Basic ${TOKEN}`], ['Bearer']])(
    'Authorization %p › 401',
    async (header) => {
      const { app } = setUp();
      const res = await post(app, { address: 'jane@example.com' }, header);
      expect(res.status).toBe(401);
    },
  );

  test('scheme "bearer" in lower case › accepted', async () => {
    const { app } = setUp();
    expect((await post(app, { domain: 'example.com' }, `bearer ${TOKEN}`)).status).toBe(200);
  });
});

describe(`POST ${PATH} › in-process cache`, () => {
  test('address › 200, the next request asks the directory and shows the change', async () => {
    const { app, source, offered } = setUp();
    expect(await offered('jane@example.com')).toBe('business');
    source.replace({ ...ACCOUNTS, accounts: [{ address: 'jane@example.com', accessType: 'pop' }] });
    expect(await offered('jane@example.com')).toBe('business');

    const res = await post(app, { address: ' Jane@Example.COM ' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ invalidated: { address: 'jane@example.com' } });
    expect(await offered('jane@example.com')).toBe('pop');
  });

  test('domain › 200, every mailbox of the domain, not other domains', async () => {
    const { app, source, offered } = setUp();
    expect(await offered('ann@example.com')).toBe('pop');
    expect(await offered('ann@example.org')).toBe('pop');
    source.replace({
      domains: [
        { domain: 'example.com', defaultAccessType: 'business' },
        { domain: 'example.org', defaultAccessType: 'business' },
      ],
    });
    expect((await post(app, { domain: 'example.com.' })).body).toEqual({ invalidated: { domain: 'example.com' } });
    expect(await offered('ann@example.com')).toBe('business');
    expect(await offered('ann@example.org')).toBe('pop');
  });

  test('invalidate rejects (shared cache unreachable) › 503 CacheUnavailable', async () => {
    const { service } = setUp();
    const unreachable: InvalidatableDirectory = {
      lookup: (query) => service.directory.lookup(query),
      invalidate: () => Promise.reject(new Error('Redis is down')),
      close: () => service.close(),
    };
    const app = buildApp({
      config: configWith(TOKEN),
      directory: unreachable,
      logger: pino({ level: 'silent' }),
      rateLimiter: service.rateLimiter,
    });
    const res = await post(app, { domain: 'example.com' });
    expect(res.status).toBe(503);
    expect((res.body as { error: string }).error).toBe('CacheUnavailable');
  });
});

describe(`POST ${PATH} › bad input › 400 InputValidationError`, () => {
  test.each([
    ['malformed JSON', '{"address": ', 'the body is not valid JSON'],
    ['neither key', {}, 'exactly one of "address" or "domain"'],
    ['both keys', { address: 'jane@example.com', domain: 'example.com' }, 'exactly one of "address" or "domain"'],
    ['an unknown key', { email: 'jane@example.com' }, 'unknown key(s) "email"'],
    ['an address without "@"', { address: 'jane' }, 'address: the e-mail address has no "@"'],
    ['an address that is not a string', { address: 42 }, 'address must be a string'],
    [
      'a bad domain',
      { domain: 'exa mple.com' },
      'domain must be a domain name such as "example.com", got "exa mple.com"',
    ],
    ['a JSON array', '[]', 'send a JSON object'],
  ])('%s › 400 naming the problem', async (_what, body, message) => {
    const { app } = setUp();
    const res = await post(app, body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'InputValidationError', message: expect.stringContaining(message) as unknown });
  });

  test('text/plain body › 400 asking for JSON', async () => {
    const { app } = setUp();
    const res = await request(app)
      .post(PATH)
      .set('Authorization', `Bearer ${TOKEN}`)
      .set('Content-Type', 'text/plain')
      .send('jane@example.com');
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toContain('Content-Type: application/json');
  });

  test('body over 1 KiB › 413', async () => {
    const { app } = setUp();
    const res = await post(app, { address: `${'a'.repeat(2000)}@example.com` });
    expect(res.status).toBe(413);
  });
});
