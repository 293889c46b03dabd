/**
 * The fast lane (src/http/fast-lane.ts) changes how a request reaches its handlers, never what is
 * answered: every request below gets the same bytes (status line, headers in their order, body) from
 * the app with the fast lane as from the same app with every request through Express's router, and
 * the same log line. Requests the fast lane must leave to Express are checked to reach Express.
 */
import type { Express } from 'express';
import type { Logger } from 'pino';
import { createLogger } from '../../src/http/logger';
import type { AppConfig } from '../../src/config/schema';
import { exampleApp } from '../support/app';
import { requestFixture } from '../support/documents';
import { autodiscoverRequestBody } from '../support/hostile';
import { failingDirectory } from '../support/http';
import { exchangeAll, WIRE_REQUESTS, wireRequest, type WireRequest } from '../support/wire';

const pox = (address: string, schema: 'outlook' | 'mobilesync' = 'outlook'): string =>
  autodiscoverRequestBody(address, schema);

/** Requests on the fast lane's own paths, and their near misses that Express must answer. */
const REQUESTS: readonly WireRequest[] = [
  ...WIRE_REQUESTS,
  wireRequest(
    'POX Business Mail, Thunderbird',
    'POST',
    '/autodiscover/autodiscover.xml',
    pox('business.user@example.com'),
    ['User-Agent: Thunderbird/140.0'],
  ),
  wireRequest(
    'POX POP mobilesync (501)',
    'POST',
    '/autodiscover/autodiscover.xml',
    pox('pop.user@example.com', 'mobilesync'),
  ),
  wireRequest('POX invalid address', 'POST', '/AUTODISCOVER/autodiscover.XML', pox('not an address')),
  wireRequest('POX not hosted', 'POST', '/autodiscover/autodiscover.xml', pox('someone@elsewhere.test')),
  wireRequest('POX compressed', 'POST', '/autodiscover/autodiscover.xml', pox('pop.user@example.com'), [
    'Content-Encoding: gzip',
  ]),
  wireRequest('POX DTD', 'POST', '/autodiscover/autodiscover.xml', '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'),
  wireRequest(
    'SOAP GetUserSettings',
    'POST',
    '/Autodiscover/Autodiscover.svc',
    requestFixture('soap-ews-javascript-api-get-user-settings.xml').toString('utf8'),
    ['Content-Type: text/xml'],
  ),
  wireRequest(
    'SOAP WS-Security path',
    'POST',
    '/autodiscover/autodiscover.svc/wssecurity',
    requestFixture('soap-exchangelib-dummy-probe.xml').toString('utf8'),
  ),
  wireRequest('SOAP not an envelope', 'POST', '/autodiscover/autodiscover.svc', '<x/>'),
  wireRequest('SOAP GET', 'GET', '/autodiscover/autodiscover.svc'),
  wireRequest('POX trailing slash', 'POST', '/autodiscover/autodiscover.xml/', pox('pop.user@example.com')),
  wireRequest('POX under a longer path', 'POST', '/autodiscover/autodiscover.xml/more', pox('pop.user@example.com')),
  wireRequest(
    'v2 address in path, upper-case path',
    'GET',
    '/AutoDiscover/AutoDiscover.json/v1.0/pop.user@example.com?Protocol=AutodiscoverV1',
  ),
  wireRequest(
    'v2 address percent-encoded',
    'GET',
    '/autodiscover/autodiscover.json/v1.0/pop.user%40example.com?Protocol=ActiveSync',
  ),
  wireRequest('v2 address badly encoded', 'GET', '/autodiscover/autodiscover.json/v1.0/pop%ZZ?Protocol=ActiveSync'),
  wireRequest('v2 empty address segment', 'GET', '/autodiscover/autodiscover.json/v1.0/?Protocol=ActiveSync'),
  wireRequest(
    'v2 version path with Email',
    'GET',
    '/autodiscover/autodiscover.json/v1.0?Email=business.user%40example.com&Protocol=ActiveSync',
  ),
  wireRequest('v2 two segments', 'GET', '/autodiscover/autodiscover.json/v1.0/a@example.com/b?Protocol=ActiveSync'),
  wireRequest(
    'v2 repeated Protocol',
    'GET',
    '/autodiscover/autodiscover.json?Email=pop.user%40example.com&Protocol=ActiveSync&Protocol=ActiveSync',
  ),
  wireRequest('v2 path address not UTF-8', 'GET', '/autodiscover/autodiscover.json/v1.0/a%C0%80%40example.com'),
  wireRequest(
    'v2 Email not UTF-8',
    'GET',
    '/autodiscover/autodiscover.json?Email=a%ED%A0%80%40example.com&Protocol=Ews',
  ),
  wireRequest(
    'v2 Protocol repeated in another case',
    'GET',
    '/autodiscover/autodiscover.json?Email=business.user%40example.com&Protocol=ActiveSync&protocol=AutodiscoverV1',
  ),
  wireRequest('autoconfig, address not UTF-8', 'GET', '/mail/config-v1.1.xml?emailaddress=a%FE%FF%40example.com'),
  wireRequest(
    'mobileconfig, address repeated in another case',
    'GET',
    '/mobileconfig?emailaddress=pop.user%40example.com&EMAILADDRESS=business.user%40example.com',
  ),
  wireRequest(
    'autoconfig, well-known path, unknown mailbox',
    'GET',
    '/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=nobody%40example.com',
  ),
  wireRequest('autoconfig, /v1.1 prefix', 'GET', '/v1.1/mail/config-v1.1.xml?emailaddress=business.user%40example.com'),
  wireRequest('autoconfig without address (Host)', 'GET', '/mail/config-v1.1.xml'),
  wireRequest('autoconfig, empty address', 'GET', '/mail/config-v1.1.xml?emailaddress='),
  wireRequest('autoconfig, invalid address', 'GET', '/mail/config-v1.1.xml?EmailAddress=%22quoted%22%40example.com'),
  wireRequest(
    'autoconfig, repeated address',
    'GET',
    '/mail/config-v1.1.xml?emailaddress=a%40example.com&emailaddress=b%40example.com',
  ),
  wireRequest('autoconfig POST', 'POST', '/mail/config-v1.1.xml', ''),
  wireRequest('mobileconfig, email parameter', 'GET', '/mobileconfig?email=pop.user%40example.com'),
  wireRequest('mobileconfig, no address', 'GET', '/mobileconfig'),
  wireRequest('mobileconfig, trailing slash', 'GET', '/mobileconfig/?emailaddress=pop.user%40example.com'),
  wireRequest('healthz HEAD', 'HEAD', '/healthz'),
  wireRequest('healthz with a query', 'GET', '/healthz?probe=1'),
  wireRequest('absolute-form target', 'GET', 'http://autodiscover.example.com/healthz'),
  wireRequest('conditional GET', 'GET', '/mail/config-v1.1.xml?emailaddress=pop.user%40example.com', '', [
    'If-None-Match: *',
  ]),
  wireRequest('a request id that is not a token', 'GET', '/healthz', '', ['X-Request-Id: two words']),
  wireRequest('PACC', 'GET', '/.well-known/user-agent-configuration.json', '', ['Host: ua-auto-config.example.com']),
  wireRequest('PACC HEAD', 'HEAD', '/.well-known/user-agent-configuration.json', '', [
    'Host: ua-auto-config.example.com',
  ]),
  wireRequest('PACC Business Mail domain', 'GET', '/.well-known/user-agent-configuration.json', '', [
    'Host: UA-Auto-Config.example.org',
  ]),
  wireRequest('PACC on another host', 'GET', '/.well-known/user-agent-configuration.json'),
];

/** The answer to every request and the log lines it wrote, times and the 5xx stacks blanked. */
async function answersOf(app: (logger: Logger) => Express): Promise<{ answers: string[]; lines: string[] }> {
  const lines: string[] = [];
  const answered = await exchangeAll(
    app(createLogger('info', { write: (line: string) => void lines.push(line) })),
    REQUESTS,
  );
  const answers = answered.map((answer, i) => `${REQUESTS[i]?.name ?? ''}\n${answer}`);
  return {
    // A request id the client did not give is a new UUID on each side.
    answers: answers.map((answer) => answer.replace(/^X-Request-Id: [0-9a-f-]{36}$/m, 'X-Request-Id: -')),
    lines: lines.map((line) =>
      line
        .replace(/"time":\d+/, '"time":0')
        .replace(/"responseTime":\d+/, '"responseTime":0')
        .replace(/"id":"[0-9a-f-]{36}"/, '"id":"-"')
        .replace(/"stack":"(?:[^"\\]|\\.)*"/g, '"stack":"-"'),
    ),
  };
}

describe('fast lane › the same answers and log lines as Express’s router', () => {
  const configs: ReadonlyArray<readonly [string, ((config: AppConfig) => AppConfig) | undefined]> = [
    ['example config', undefined],
    ['rate limit on', (config) => ({ ...config, rateLimit: { ...config.rateLimit, enabled: true, points: 25 } })],
    [
      'plain-HTTP Autodiscover redirected',
      (config) => ({ ...config, server: { ...config.server, redirectPlainHttpAutodiscover: true } }),
    ],
  ];

  test.each(configs)('%s', async (_label, config) => {
    const options = config === undefined ? {} : { config };
    const viaExpress = await answersOf((logger) => exampleApp({ ...options, logger, fastLane: false }));
    const viaFastLane = await answersOf((logger) => exampleApp({ ...options, logger }));
    expect(viaFastLane.answers).toEqual(viaExpress.answers);
    expect(viaFastLane.lines).toEqual(viaExpress.lines);
  });

  test('a failing directory: the same temporary errors and error lines', async () => {
    const directory = failingDirectory(new Error('connection refused'));
    const viaExpress = await answersOf((logger) => exampleApp({ directory, logger, fastLane: false }));
    const viaFastLane = await answersOf((logger) => exampleApp({ directory, logger }));
    expect(viaFastLane.answers).toEqual(viaExpress.answers);
    expect(viaFastLane.lines).toEqual(viaExpress.lines);
  });
});

describe('fast lane › which requests it takes', () => {
  /** Whether a request reached Express's router. */
  async function reachedRouter(request: WireRequest): Promise<boolean> {
    const app = exampleApp();
    const router = (app as Express & { router: { handle: (...args: unknown[]) => unknown } }).router;
    const handle = jest.spyOn(router, 'handle');
    await exchangeAll(app, [request]);
    return handle.mock.calls.length > 0;
  }

  test.each([
    ['GET', '/healthz'],
    ['GET', '/mail/config-v1.1.xml?emailaddress=pop.user%40example.com'],
    ['GET', '/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=pop.user%40example.com'],
    ['GET', '/MOBILECONFIG?emailaddress=pop.user%40example.com'],
    ['GET', '/autodiscover/autodiscover.json/v1.0/pop.user@example.com?Protocol=ActiveSync'],
    ['GET', '/autodiscover/autodiscover.json/v1.0/pop.user%40example.com?Protocol=ActiveSync'],
    ['GET', '/autodiscover/autodiscover.json?Email=pop.user%40example.com&Protocol=ActiveSync'],
    ['POST', '/Autodiscover/Autodiscover.xml'],
  ])('takes %s %s', async (method, path) => {
    const body = method === 'POST' ? pox('pop.user@example.com') : '';
    expect(await reachedRouter(wireRequest(path, method, path, body))).toBe(false);
  });

  test.each([
    ['HEAD', '/healthz'],
    ['GET', '/autodiscover/autodiscover.xml'],
    ['POST', '/mail/config-v1.1.xml'],
    ['GET', '/mobileconfig/?emailaddress=pop.user%40example.com'],
    ['GET', '/nothing-here'],
  ])('leaves %s %s to Express', async (method, path) => {
    expect(await reachedRouter(wireRequest(path, method, path))).toBe(true);
  });
});
