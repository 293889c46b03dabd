import express, { type Express } from 'express';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import request from 'supertest';
import { buildProviderProfile } from '../../src/config/provider-profile';
import { createDiscover } from '../../src/discovery/discover';
import { expressBridgeOf } from '../../src/http/express-bridge';
import { createLogger, createRequestLogger } from '../../src/http/logger';
import { createAutoconfigRouter } from '../../src/protocols/autoconfig/router';
import { createAutodiscoverJsonRouter } from '../../src/protocols/autodiscover-json/router';
import { createAutodiscoverRouter } from '../../src/protocols/autodiscover/router';
import { createMobileconfigRouter } from '../../src/protocols/mobileconfig/router';
import { createPaccRouter } from '../../src/protocols/pacc/router';
import { exampleConfig, exampleDirectory, FIXED_NOW } from '../support/app';
import { postAutodiscover } from '../support/http';

/**
 * The request log line names each outcome with one word from a fixed list, with its details
 * (address error, schema, refused status, problem) in fields of their own. The protocol routers
 * run behind the request logger, with a limiter of LIMIT points shared by all five.
 */

const LIMIT = 20;
const { config } = exampleConfig();

function appLoggingTo(lines: string[]): Express {
  const discover = createDiscover(exampleDirectory(), buildProviderProfile(config), {
    revealDisplayNames: false,
    onUnexpectedError: () => undefined,
  });
  const rateLimiter = new RateLimiterMemory({ points: LIMIT, duration: 60 });
  const app = express();
  const bridge = expressBridgeOf(app);
  app.use(createRequestLogger(createLogger('info', { write: (line: string) => void lines.push(line) })));
  app.use(
    createAutodiscoverRouter({
      discover,
      maxBodyBytes: 1024,
      serverId: 0,
      now: () => FIXED_NOW,
      plainHttpRedirectUrl: null,
      rateLimiter,
      express: bridge,
    }),
  );
  app.use(
    createAutodiscoverJsonRouter({
      discover,
      autodiscoverUrl: config.autodiscover.publicUrl,
      rateLimiter,
      express: bridge,
    }),
  );
  app.use(
    createAutoconfigRouter({
      discover,
      provider: config.provider,
      rateLimiter,
      express: bridge,
      providerDomains: config.provider.autoconfigDomains,
      profile: buildProviderProfile(config),
    }),
  );
  app.use(createMobileconfigRouter({ discover, issuer: config.provider, rateLimiter, express: bridge }));
  app.use(createPaccRouter({ discover, provider: config.provider, rateLimiter, express: bridge }));
  return app;
}

const outlookRequest = (address: string): string =>
  '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">' +
  `<Request><EMailAddress>${address}</EMailAddress>` +
  '<AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>' +
  '</Request></Autodiscover>';

/** The outcome fields of the one line a request wrote. */
async function loggedFor(send: (app: Express) => Promise<unknown>): Promise<Record<string, unknown>> {
  const lines: string[] = [];
  await send(appLoggingTo(lines));
  expect(lines).toHaveLength(1);
  const { protocol, outcome, domain, accessType, schema, addressError, problem, refusedStatus } = JSON.parse(
    lines[0] ?? '',
  ) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries({ protocol, outcome, domain, accessType, schema, addressError, problem, refusedStatus }).filter(
      ([, value]) => value !== undefined,
    ),
  );
}

describe('request log › outcome fields', () => {
  test.each([
    [
      'Outlook POX settings › settings, with the schema',
      (app: Express) => postAutodiscover(app, outlookRequest('pop.user@example.com')),
      { protocol: 'autodiscover', outcome: 'settings', domain: 'example.com', accessType: 'pop', schema: 'outlook' },
    ],
    [
      'Outlook POX, an address without "@" › invalid-address, with the parser’s reason',
      (app: Express) => postAutodiscover(app, outlookRequest('nobody')),
      { protocol: 'autodiscover', outcome: 'invalid-address', addressError: 'missing-at' },
    ],
    [
      'GET on the POX path › invalid-request: not-a-post',
      (app: Express) => request(app).get('/autodiscover/autodiscover.xml'),
      { protocol: 'autodiscover', outcome: 'invalid-request', problem: 'not-a-post' },
    ],
    [
      'a POX body over the limit › invalid-request: body-refused, with the status',
      (app: Express) => postAutodiscover(app, 'x'.repeat(2048)),
      { protocol: 'autodiscover', outcome: 'invalid-request', problem: 'body-refused', refusedStatus: 413 },
    ],
    [
      'Autodiscover v2 for a POP mailbox › settings (even when ActiveSync is not offered)',
      (app: Express) =>
        request(app).get('/autodiscover/autodiscover.json/v1.0/pop.user@example.com?Protocol=ActiveSync'),
      { protocol: 'autodiscover-json', outcome: 'settings', domain: 'example.com', accessType: 'pop' },
    ],
    [
      'Autodiscover v2 without Protocol › invalid-request: unknown-protocol',
      (app: Express) => request(app).get('/autodiscover/autodiscover.json?Email=pop.user@example.com'),
      { protocol: 'autodiscover-json', outcome: 'invalid-request', problem: 'unknown-protocol' },
    ],
    [
      'autoconfig for a domain this service does not host › not-hosted',
      (app: Express) => request(app).get('/mail/config-v1.1.xml?emailaddress=jane%40example.net'),
      { protocol: 'autoconfig', outcome: 'not-hosted', domain: 'example.net' },
    ],
    [
      'autoconfig with a Host that is not a domain › invalid-request: no-domain',
      (app: Express) => request(app).get('/mail/config-v1.1.xml').set('Host', 'localhost'),
      { protocol: 'autoconfig', outcome: 'invalid-request', problem: 'no-domain' },
    ],
    [
      'PACC for a Business Mail domain › settings (answered 404: PACC cannot describe Exchange)',
      (app: Express) =>
        request(app).get('/.well-known/user-agent-configuration.json').set('Host', 'ua-auto-config.example.org'),
      { protocol: 'pacc', outcome: 'settings', domain: 'example.org', accessType: 'business' },
    ],
    [
      'PACC on a host that is not ua-auto-config.<domain> › invalid-request: not-a-pacc-host',
      (app: Express) => request(app).get('/.well-known/user-agent-configuration.json').set('Host', 'example.com'),
      { protocol: 'pacc', outcome: 'invalid-request', problem: 'not-a-pacc-host' },
    ],
    [
      'a profile for a Business Mail address › settings',
      (app: Express) => request(app).get('/mobileconfig?emailaddress=business.user%40example.com'),
      { protocol: 'mobileconfig', outcome: 'settings', domain: 'example.com', accessType: 'business' },
    ],
  ] as const)('%s', async (_label, send, expected) => {
    expect(await loggedFor(send)).toEqual(expected);
  });

  test('over the shared limit › rate-limited, logged by the protocol whose path was asked', async () => {
    const lines: string[] = [];
    const app = appLoggingTo(lines);
    for (let i = 0; i < LIMIT; i += 1) await request(app).get('/mobileconfig?emailaddress=pop.user%40example.com');
    const res = await request(app).get('/autodiscover/autodiscover.json/v1.0/pop.user@example.com?Protocol=Ews');
    expect(res.status).toBe(429);
    expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({ protocol: 'autodiscover-json', outcome: 'rate-limited' });
  });
});
