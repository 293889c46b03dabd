import type { Express } from 'express';
import request from 'supertest';
import { DirectoryUnavailableError } from '../../src/directory/account-directory';
import { exampleApp, exampleConfig } from '../support/app';
import { expectTexts, hasNode, listAt, nodeAt, parseXmlDocument, textAt } from '../support/documents';
import { failingDirectory, type TestResponse } from '../support/http';

const app = exampleApp();
const { config } = exampleConfig();

const PATHS = [
  '/mail/config-v1.1.xml',
  '/.well-known/autoconfig/mail/config-v1.1.xml',
  '/v1.1/mail/config-v1.1.xml',
] as const;

/** The clientConfig document after checking status, Content-Type, no BOM and well-formedness. */
function clientConfigOf(res: TestResponse): unknown {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/xml\b/);
  expect(res.headers['cache-control']).toBe('no-store');
  const bytes = Buffer.from(res.text, 'utf8');
  expect([...bytes.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
  const document = parseXmlDocument(res.text);
  expect(textAt(document, 'clientConfig/@version')).toBe('1.1');
  expect(textAt(document, 'clientConfig/emailProvider/@id')).toBe(config.provider.id);
  return document;
}

function expectPlainFailure(res: TestResponse, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^text\/plain\b/);
  expect(res.text).not.toContain('<clientConfig');
}

const get = (path: string, address: string) => request(app).get(`${path}?emailaddress=${encodeURIComponent(address)}`);

describe.each(PATHS)('GET %s?emailaddress=', (path) => {
  test('POP user › success: imap then pop3 incoming, smtp outgoing, username is the address', async () => {
    const document = clientConfigOf(await get(path, 'pop.user@example.com'));
    expect(textAt(document, 'clientConfig/emailProvider/domain')).toBe('example.com');
    const incoming = listAt(document, 'clientConfig/emailProvider/incomingServer');
    expect(incoming.map((server) => textAt(server, '@type'))).toEqual(['imap', 'pop3']);
    expectTexts(nodeAt(document, 'clientConfig/emailProvider/incomingServer[0]'), {
      hostname: config.popAccess.imap.host,
      port: '993',
      socketType: 'SSL',
      authentication: 'password-cleartext',
      username: 'pop.user@example.com',
    });
    expectTexts(nodeAt(document, 'clientConfig/emailProvider/incomingServer[1]'), {
      port: '995',
      'pop3/leaveMessagesOnServer': 'true',
    });
    const outgoing = listAt(document, 'clientConfig/emailProvider/outgoingServer');
    expect(
      outgoing.map((server) => `${textAt(server, '@type')}:${textAt(server, 'port')}:${textAt(server, 'socketType')}`),
    ).toEqual(['smtp:587:STARTTLS', 'smtp:465:SSL']);
    // K-9 aborts the whole file on a plain server.
    expect([...incoming, ...outgoing].map((server) => textAt(server, 'socketType'))).not.toContain('plain');
  });

  test('Business user › success: ews (native EWS) first, then exchange with OWA/EWS/EAS URLs, plus an outgoingServer', async () => {
    const document = clientConfigOf(await get(path, 'business.user@example.com'));
    const incoming = listAt(document, 'clientConfig/emailProvider/incomingServer');
    expect(incoming.map((server) => textAt(server, '@type'))).toEqual(['ews', 'exchange']);
    expectTexts(nodeAt(document, 'clientConfig/emailProvider/incomingServer[0]'), {
      url: config.businessMail.ewsUrl,
      username: 'business.user@example.com',
      authentication: 'password-cleartext',
    });
    expectTexts(nodeAt(document, 'clientConfig/emailProvider/incomingServer[1]'), {
      hostname: config.businessMail.host,
      username: 'business.user@example.com',
      owaURL: config.businessMail.owaUrl,
      ewsURL: config.businessMail.ewsUrl,
      easURL: config.businessMail.activeSyncUrl,
    });
    expect(hasNode(document, 'clientConfig/emailProvider/incomingServer[1]/exchangeURL')).toBe(false);
    expectTexts(nodeAt(document, 'clientConfig/emailProvider/outgoingServer[0]'), {
      '@type': 'smtp',
      username: 'business.user@example.com',
    });
  });

  test('unknown mailbox at a hosted domain › success: the domain default (example.org is Business Mail)', async () => {
    const document = clientConfigOf(await get(path, 'nobody@example.org'));
    expect(textAt(document, 'clientConfig/emailProvider/domain')).toBe('example.org');
    expect(textAt(document, 'clientConfig/emailProvider/incomingServer[0]/@type')).toBe('ews');
  });

  test('foreign domain › failure: 404, no document', async () => {
    expectPlainFailure(await get(path, 'someone@foreign.test'), 404);
  });

  test('invalid address › failure: 400', async () => {
    expectPlainFailure(await get(path, 'pop.user@'), 400);
  });
});

describe('GET /mail/config-v1.1.xml without emailaddress › the domain from the Host header', () => {
  test.each(['autoconfig.example.com', 'example.com', 'AutoConfig.Example.COM'])(
    'Host %s › success: placeholder %%EMAILADDRESS%% answer for example.com',
    async (host) => {
      const document = clientConfigOf(await request(app).get('/mail/config-v1.1.xml').set('Host', host));
      expect(textAt(document, 'clientConfig/emailProvider/domain')).toBe('example.com');
      expect(textAt(document, 'clientConfig/emailProvider/incomingServer[0]/username')).toBe('%EMAILADDRESS%');
      expect(textAt(document, 'clientConfig/emailProvider/outgoingServer[0]/username')).toBe('%EMAILADDRESS%');
    },
  );

  test('Host autoconfig.example.org on the .well-known path › success: ews + exchange placeholder answer', async () => {
    const res = await request(app)
      .get('/.well-known/autoconfig/mail/config-v1.1.xml')
      .set('Host', 'autoconfig.example.org');
    const document = clientConfigOf(res);
    expect(textAt(document, 'clientConfig/emailProvider/incomingServer[0]/@type')).toBe('ews');
    expect(textAt(document, 'clientConfig/emailProvider/incomingServer[1]/@type')).toBe('exchange');
    expect(textAt(document, 'clientConfig/emailProvider/incomingServer[0]/username')).toBe('%EMAILADDRESS%');
  });

  test('empty emailaddress= › success: treated as missing, domain from Host', async () => {
    const document = clientConfigOf(
      await request(app).get('/mail/config-v1.1.xml?emailaddress=').set('Host', 'autoconfig.example.com'),
    );
    expect(textAt(document, 'clientConfig/emailProvider/domain')).toBe('example.com');
  });

  test('Host of an unknown domain › failure: 404', async () => {
    expectPlainFailure(await request(app).get('/mail/config-v1.1.xml').set('Host', 'autoconfig.foreign.test'), 404);
  });

  test('Host localhost › failure: 404', async () => {
    expectPlainFailure(await request(app).get('/mail/config-v1.1.xml').set('Host', 'localhost'), 404);
  });

  test('Host an IP address › failure: 404', async () => {
    expectPlainFailure(await request(app).get('/mail/config-v1.1.xml').set('Host', '127.0.0.1'), 404);
  });
});

describe("GET autoconfig without emailaddress on the provider's own domains › the provider-wide POP access answer", () => {
  /** What Thunderbird for Android sends after its MX lookup: https://autoconfig.<MX base domain>/mail/config-v1.1.xml. */
  const askHost = (target: Express, host: string, path = '/mail/config-v1.1.xml') =>
    request(target).get(path).set('Host', host);

  test.each([
    ['autoconfig.mamutmail.com', '/mail/config-v1.1.xml'],
    ['mamutmail.com', '/.well-known/autoconfig/mail/config-v1.1.xml'],
    ['AutoConfig.MamutMail.COM', '/mail/config-v1.1.xml'],
  ])('Host %s, %s › 200: imap first, placeholders, domain mamutmail.com', async (host, path) => {
    const document = clientConfigOf(await askHost(app, host, path));
    expect(textAt(document, 'clientConfig/emailProvider/domain')).toBe('mamutmail.com');
    const incoming = listAt(document, 'clientConfig/emailProvider/incomingServer');
    expect(incoming.map((server) => textAt(server, '@type'))).toEqual(['imap', 'pop3']);
    for (const server of [...incoming, ...listAt(document, 'clientConfig/emailProvider/outgoingServer')]) {
      expect(textAt(server, 'username')).toBe('%EMAILADDRESS%');
    }
  });

  test('with an address (desktop Thunderbird sends one on its MX step) › that mailbox’s own answer', async () => {
    const res = await askHost(
      app,
      'autoconfig.mamutmail.com',
      '/mail/config-v1.1.xml?emailaddress=business.user%40example.com',
    );
    const document = clientConfigOf(res);
    expect(textAt(document, 'clientConfig/emailProvider/domain')).toBe('example.com');
    expect(textAt(document, 'clientConfig/emailProvider/incomingServer[0]/@type')).toBe('ews');
  });

  test('the directory unreachable › still 200: the provider-wide answer needs no lookup', async () => {
    const down = exampleApp({ directory: failingDirectory(new DirectoryUnavailableError('test outage')) });
    expect((await askHost(down, 'autoconfig.mamutmail.com')).status).toBe(200);
    expectPlainFailure(await askHost(down, 'autoconfig.example.com'), 503);
  });

  test('provider.autoconfigDomains lists another domain › answered there too', async () => {
    const listed = exampleApp({
      config: (config) => ({
        ...config,
        provider: { ...config.provider, autoconfigDomains: ['mamutmail.com', 'eu.mamutmail.com'] },
      }),
    });
    const document = clientConfigOf(await askHost(listed, 'autoconfig.eu.mamutmail.com'));
    expect(textAt(document, 'clientConfig/emailProvider/domain')).toBe('eu.mamutmail.com');
  });

  test('provider.autoconfigDomains [] › 404, as for any domain not hosted', async () => {
    const off = exampleApp({
      config: (config) => ({ ...config, provider: { ...config.provider, autoconfigDomains: [] } }),
    });
    expectPlainFailure(await askHost(off, 'autoconfig.mamutmail.com'), 404);
  });

  test('a Business-Mail-default customer domain › still ews + exchange, no imap (docs/protocols.md §6.7)', async () => {
    const document = clientConfigOf(await askHost(app, 'autoconfig.example.org'));
    const types = listAt(document, 'clientConfig/emailProvider/incomingServer').map((server) =>
      textAt(server, '@type'),
    );
    expect(types).toEqual(['ews', 'exchange']);
  });
});
