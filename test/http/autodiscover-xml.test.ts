import request from 'supertest';
import { exampleApp, exampleConfig } from '../support/app';
import {
  expectTexts,
  hasNode,
  listAt,
  nodeAt,
  parseXmlDocument,
  requestFixture,
  requestFixtureFor,
  textAt,
} from '../support/documents';
import {
  AUTODISCOVER_XML,
  autodiscoverErrorCode,
  expectAutodiscoverHeaders,
  OUTLOOK_UA,
  postAutodiscover,
  THUNDERBIRD_UA,
} from '../support/http';

const RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
const OUTLOOK_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const MOBILESYNC_NS = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';

const app = exampleApp();
const { config } = exampleConfig();

/** The Protocol element of the given Type in an outlook-schema settings answer. */
function protocolOfType(document: unknown, type: string): unknown {
  const found = listAt(document, 'Autodiscover/Response/Account/Protocol').find(
    (protocol) => textAt(protocol, 'Type') === type,
  );
  if (found === undefined) throw new Error(`no Protocol of Type ${type}`);
  return found;
}

function settingsOf(res: request.Response): unknown {
  expect(res.status).toBe(200);
  expectAutodiscoverHeaders(res);
  const document = parseXmlDocument(res.text);
  expect(textAt(document, 'Autodiscover/@xmlns')).toBe(RESPONSE_NS);
  return document;
}

describe('POST /autodiscover/autodiscover.xml › outlook schema', () => {
  test('POP user › success: IMAP first, then POP3, then SMTP with UsePOPAuth on, SPA off, SSL + Encryption', async () => {
    const document = settingsOf(
      await postAutodiscover(app, requestFixture('outlook-desktop-crlf.xml'), { 'Content-Type': 'text/xml' }),
    );
    expect(textAt(document, 'Autodiscover/Response/@xmlns')).toBe(OUTLOOK_NS);
    expect(textAt(document, 'Autodiscover/Response/Account/AccountType')).toBe('email');
    expect(textAt(document, 'Autodiscover/Response/Account/Action')).toBe('settings');
    expect(listAt(document, 'Autodiscover/Response/Account/Protocol').map((p) => textAt(p, 'Type'))).toEqual([
      'IMAP',
      'POP3',
      'SMTP',
    ]);

    expectTexts(protocolOfType(document, 'IMAP'), {
      Server: config.popAccess.imap.host,
      Port: '993',
      LoginName: 'pop.user@example.com',
      SPA: 'off',
      SSL: 'on',
      Encryption: 'SSL',
      AuthRequired: 'on',
    });
    expectTexts(protocolOfType(document, 'POP3'), {
      Server: config.popAccess.pop3.host,
      Port: '995',
      SSL: 'on',
      Encryption: 'SSL',
    });
    expectTexts(protocolOfType(document, 'SMTP'), {
      Server: config.popAccess.smtp[0]?.host ?? '',
      Port: '587',
      LoginName: 'pop.user@example.com',
      SPA: 'off',
      SSL: 'on',
      Encryption: 'TLS',
      UsePOPAuth: 'on',
      SMTPLast: 'off',
    });
  });

  test('Business user › success: EXPR with DomainName hosting01 and EWS URLs, WEB with OWA', async () => {
    const document = settingsOf(
      await postAutodiscover(app, requestFixture('thunderbird-single-line.xml'), {
        'Content-Type': 'text/xml; charset=utf-8',
      }),
    );
    expect(textAt(document, 'Autodiscover/Response/Account/Action')).toBe('settings');
    expect(listAt(document, 'Autodiscover/Response/Account/Protocol').map((p) => textAt(p, 'Type'))).toEqual([
      'EXPR',
      'WEB',
    ]);

    expectTexts(protocolOfType(document, 'EXPR'), {
      Server: config.businessMail.host,
      // The login is the full address (a UPN), so the domain is not required, but it is given.
      LoginName: 'business.user@example.com',
      DomainRequired: 'off',
      DomainName: 'hosting01',
      SSL: 'on',
      EwsUrl: config.businessMail.ewsUrl,
      ASUrl: config.businessMail.ewsUrl,
    });
    expectTexts(protocolOfType(document, 'WEB'), {
      'External/OWAUrl': config.businessMail.owaUrl,
      // Thunderbird drops the OWA URL without this attribute.
      'External/OWAUrl/@AuthenticationMethod': 'Basic, Fba',
      'External/Protocol/ASUrl': config.businessMail.ewsUrl,
    });
  });

  test('unknown mailbox at a hosted domain › success: the domain default (example.org is Business Mail)', async () => {
    const document = settingsOf(
      await postAutodiscover(app, requestFixtureFor('outlook-desktop-crlf.xml', 'nobody@example.org')),
    );
    expect(textAt(protocolOfType(document, 'EXPR'), 'LoginName')).toBe('nobody@example.org');
  });

  test('unknown mailbox at a hosted domain › success: the domain default (example.com is POP access)', async () => {
    const document = settingsOf(
      await postAutodiscover(app, requestFixtureFor('outlook-desktop-crlf.xml', 'Nobody@EXAMPLE.com')),
    );
    expect(listAt(document, 'Autodiscover/Response/Account/Protocol').map((p) => textAt(p, 'Type'))).toEqual([
      'IMAP',
      'POP3',
      'SMTP',
    ]);
    // The domain is lower-cased, the local part kept as typed.
    expect(textAt(protocolOfType(document, 'IMAP'), 'LoginName')).toBe('Nobody@example.com');
  });

  test('foreign domain › failure: ErrorCode 500 with HTTP 200', async () => {
    const res = await postAutodiscover(app, requestFixtureFor('outlook-desktop-crlf.xml', 'someone@foreign.test'));
    expect(res.status).toBe(200);
    expect(autodiscoverErrorCode(res)).toBe('500');
    const document = parseXmlDocument(res.text);
    expect(textAt(document, 'Autodiscover/Response/Error/Message')).not.toBe('');
    expect(textAt(document, 'Autodiscover/Response/Error/@Id')).toMatch(/^\d+$/);
    expect(textAt(document, 'Autodiscover/Response/Error/@Time')).toMatch(/^\d{2}:\d{2}:\d{2}(\.\d+)?$/);
  });

  test('AcceptableResponseSchema before EMailAddress › success: settings for the address', async () => {
    const document = settingsOf(
      await postAutodiscover(app, requestFixture('acceptable-response-schema-before-email.xml')),
    );
    expect(textAt(protocolOfType(document, 'IMAP'), 'LoginName')).toBe('pop.user@example.com');
  });

  test('prefixed namespace <a:Autodiscover xmlns:a=…> › success: settings for the address', async () => {
    const document = settingsOf(await postAutodiscover(app, requestFixture('prefixed-namespace.xml')));
    expect(textAt(protocolOfType(document, 'EXPR'), 'LoginName')).toBe('business.user@example.com');
  });

  test('character reference in EMailAddress (pop.user&#64;example.com) › success: decoded as XML requires', async () => {
    const document = settingsOf(await postAutodiscover(app, requestFixture('character-reference-in-address.xml')));
    expect(textAt(protocolOfType(document, 'IMAP'), 'LoginName')).toBe('pop.user@example.com');
  });

  test('Authorization: Basic header › success: settings, never 401', async () => {
    const res = await postAutodiscover(app, requestFixture('outlook-desktop-crlf.xml'), {
      Authorization: `Basic ${Buffer.from('pop.user@example.com:wrong-password').toString('base64')}`,
    });
    expect(res.status).toBe(200);
    expect(res.headers['www-authenticate']).toBeUndefined();
    settingsOf(res);
  });

  test('unknown AcceptableResponseSchema › failure: ErrorCode 601', async () => {
    const res = await postAutodiscover(app, requestFixture('unknown-response-schema.xml'));
    expect(res.status).toBe(200);
    expect(autodiscoverErrorCode(res)).toBe('601');
  });

  test('LegacyDN only › failure: ErrorCode 500', async () => {
    const res = await postAutodiscover(app, requestFixture('legacy-dn-only.xml'));
    expect(res.status).toBe(200);
    expect(autodiscoverErrorCode(res)).toBe('500');
  });
});

describe('POST /autodiscover/autodiscover.xml › paths and Content-Types', () => {
  test.each(['/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.xml', '/AutoDiscover/AutoDiscover.xml'])(
    '%s › success: same settings',
    async (path) => {
      const document = settingsOf(await postAutodiscover(app, requestFixture('outlook-desktop-crlf.xml'), {}, path));
      expect(textAt(protocolOfType(document, 'IMAP'), 'LoginName')).toBe('pop.user@example.com');
    },
  );

  test.each([
    ['no Content-Type', {}],
    ['text/xml', { 'Content-Type': 'text/xml' }],
    ['text/xml; charset=utf-8', { 'Content-Type': 'text/xml; charset=utf-8' }],
    ['application/xml', { 'Content-Type': 'application/xml' }],
    ['text/plain (mislabelled)', { 'Content-Type': 'text/plain' }],
    ['application/octet-stream', { 'Content-Type': 'application/octet-stream' }],
  ])('Content-Type %s › success: the body is read as XML', async (_label, headers) => {
    const document = settingsOf(await postAutodiscover(app, requestFixture('outlook-desktop-crlf.xml'), headers));
    expect(textAt(document, 'Autodiscover/Response/Account/Action')).toBe('settings');
  });

  test('/Autodiscover/Autodiscover.xml with a foreign domain › failure: ErrorCode 500', async () => {
    const res = await postAutodiscover(
      app,
      requestFixtureFor('outlook-desktop-crlf.xml', 'x@foreign.test'),
      {},
      '/Autodiscover/Autodiscover.xml',
    );
    expect(autodiscoverErrorCode(res)).toBe('500');
  });
});

describe('POST /autodiscover/autodiscover.xml › mobilesync schema', () => {
  test('Business user › success: Settings/Server of Type MobileSync with the ActiveSync Url', async () => {
    const document = settingsOf(
      await postAutodiscover(app, requestFixture('activesync-mobilesync-schema.xml'), { 'Content-Type': 'text/xml' }),
    );
    expect(textAt(document, 'Autodiscover/Response/@xmlns')).toBe(MOBILESYNC_NS);
    expect(textAt(document, 'Autodiscover/Response/User/EMailAddress')).toBe('business.user@example.com');
    const server = nodeAt(document, 'Autodiscover/Response/Action/Settings/Server[0]');
    expect(textAt(server, 'Type')).toBe('MobileSync');
    expect(textAt(server, 'Url')).toBe(config.businessMail.activeSyncUrl);
  });

  test('request namespace says mobilesync, no AcceptableResponseSchema › success: MobileSync answer', async () => {
    const document = settingsOf(await postAutodiscover(app, requestFixture('mobilesync-namespace-without-schema.xml')));
    expect(textAt(document, 'Autodiscover/Response/@xmlns')).toBe(MOBILESYNC_NS);
    expect(textAt(document, 'Autodiscover/Response/Action/Settings/Server/Type')).toBe('MobileSync');
  });

  test('prefixed mobilesync namespace, no AcceptableResponseSchema › success: MobileSync answer', async () => {
    const document = settingsOf(
      await postAutodiscover(app, requestFixture('prefixed-mobilesync-namespace-without-schema.xml')),
    );
    expect(textAt(document, 'Autodiscover/Response/@xmlns')).toBe(MOBILESYNC_NS);
    expect(textAt(document, 'Autodiscover/Response/Action/Settings/Server/Type')).toBe('MobileSync');
  });

  test('POP user › failure: Response/Error with ErrorCode 501 in the mobilesync namespace', async () => {
    const res = await postAutodiscover(
      app,
      requestFixtureFor('activesync-mobilesync-schema.xml', 'pop.user@example.com'),
    );
    expect(res.status).toBe(200);
    expect(autodiscoverErrorCode(res)).toBe('501');
    const document = parseXmlDocument(res.text);
    expect(textAt(document, 'Autodiscover/Response/@xmlns')).toBe(MOBILESYNC_NS);
    expect(hasNode(document, 'Autodiscover/Response/Action')).toBe(false);
  });

  test('foreign domain › failure: ErrorCode 500', async () => {
    const res = await postAutodiscover(app, requestFixtureFor('activesync-mobilesync-schema.xml', 'x@foreign.test'));
    expect(autodiscoverErrorCode(res)).toBe('500');
  });
});

describe('POST /autodiscover/autodiscover.xml › invalid requests answer ErrorCode 600', () => {
  const cases: ReadonlyArray<readonly [string, Buffer]> = [
    ['empty body', Buffer.alloc(0)],
    ['whitespace only', Buffer.from('  \r\n ')],
    [
      'malformed XML',
      Buffer.from('<Autodiscover><Request><EMailAddress>pop.user@example.com</Request></Autodiscover>'),
    ],
    ['not XML at all', Buffer.from('emailaddress=pop.user%40example.com')],
    [
      'no EMailAddress',
      Buffer.from(
        '<Autodiscover><Request><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>',
      ),
    ],
    ['empty EMailAddress', requestFixtureFor('outlook-desktop-crlf.xml', '   ')],
    ['invalid address (no @)', requestFixtureFor('outlook-desktop-crlf.xml', 'pop.user.example.com')],
    ['invalid address (single-label domain)', requestFixtureFor('outlook-desktop-crlf.xml', 'root@localhost')],
    ['DOCTYPE with external entity', requestFixture('doctype-entity-expansion.xml')],
    [
      'UTF-16 body',
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from(requestFixture('outlook-desktop-crlf.xml').toString('utf8'), 'utf16le'),
      ]),
    ],
  ];
  test.each(cases)('%s › failure: ErrorCode 600 with HTTP 200', async (_label, body) => {
    const res = await postAutodiscover(app, body, { 'Content-Type': 'text/xml' });
    expect(res.status).toBe(200);
    expect(autodiscoverErrorCode(res)).toBe('600');
  });

  test('UTF-8 BOM before the declaration › success: settings (the BOM is tolerated)', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), requestFixture('outlook-desktop-crlf.xml')]);
    settingsOf(await postAutodiscover(app, body, { 'Content-Type': 'text/xml' }));
  });

  test('body over server.maxBodyBytes › failure: HTTP 413 with an ErrorCode 600 body', async () => {
    const padding = `<!--${'x'.repeat(config.server.maxBodyBytes)}-->`;
    const body = Buffer.from(requestFixture('outlook-desktop-crlf.xml').toString('utf8') + padding);
    const res = await postAutodiscover(app, body, { 'Content-Type': 'text/xml' });
    expect(res.status).toBe(413);
    expect(autodiscoverErrorCode(res)).toBe('600');
  });

  test('body just under server.maxBodyBytes › success: settings', async () => {
    const fixture = requestFixture('outlook-desktop-crlf.xml').toString('utf8');
    const padding = `<!--${'x'.repeat(config.server.maxBodyBytes - fixture.length - 8)}-->`;
    settingsOf(await postAutodiscover(app, fixture + padding, { 'Content-Type': 'text/xml' }));
  });
});

describe('GET/HEAD/PUT /autodiscover/autodiscover.xml › probes', () => {
  test('GET › failure: ErrorCode 600 with HTTP 200', async () => {
    const res = await request(app).get('/Autodiscover/Autodiscover.xml');
    expect(res.status).toBe(200);
    expect(autodiscoverErrorCode(res)).toBe('600');
  });

  test('GET with Authorization: Basic › failure: ErrorCode 600, never 401', async () => {
    const res = await request(app)
      .get(AUTODISCOVER_XML)
      .set('Authorization', `Basic ${Buffer.from('a@example.com:pw').toString('base64')}`);
    expect(res.status).toBe(200);
    expect(autodiscoverErrorCode(res)).toBe('600');
  });

  test('HEAD › failure: HTTP 200, text/xml, no body', async () => {
    const res = await request(app).head(AUTODISCOVER_XML);
    expect(res.status).toBe(200);
    expectAutodiscoverHeaders(res);
    // supertest types `text` as a string, but a HEAD answer leaves it undefined
    expect((res.text as string | undefined) ?? '').toBe('');
  });

  test('PUT with a valid request body › failure: ErrorCode 600 (only POST is answered)', async () => {
    const res = await request(app)
      .put(AUTODISCOVER_XML)
      .set('Content-Type', 'text/xml')
      .send(requestFixture('outlook-desktop-crlf.xml'));
    expect(res.status).toBe(200);
    expect(autodiscoverErrorCode(res)).toBe('600');
  });
});

describe('POST /autodiscover/autodiscover.xml › businessMail.outlookMode redirect', () => {
  const redirectUrl = 'https://mamutmail.com/Autodiscover/Autodiscover.xml';
  const redirectApp = exampleApp({
    config: (c) => ({
      ...c,
      businessMail: { ...c.businessMail, outlookMode: 'redirect', outlookRedirectUrl: redirectUrl },
    }),
  });

  test('Outlook User-Agent › success: Action redirectUrl with the configured RedirectUrl', async () => {
    const res = await postAutodiscover(redirectApp, requestFixture('thunderbird-single-line.xml'), {
      'User-Agent': OUTLOOK_UA,
    });
    const document = settingsOf(res);
    expect(textAt(document, 'Autodiscover/Response/Account/Action')).toBe('redirectUrl');
    expect(textAt(document, 'Autodiscover/Response/Account/RedirectUrl')).toBe(redirectUrl);
    expect(hasNode(document, 'Autodiscover/Response/Account/Protocol')).toBe(false);
  });

  test('Thunderbird User-Agent › success: settings, since Thunderbird does not follow RedirectUrl', async () => {
    const res = await postAutodiscover(redirectApp, requestFixture('thunderbird-single-line.xml'), {
      'User-Agent': THUNDERBIRD_UA,
    });
    const document = settingsOf(res);
    expect(textAt(document, 'Autodiscover/Response/Account/Action')).toBe('settings');
    expect(textAt(protocolOfType(document, 'EXPR'), 'DomainName')).toBe('hosting01');
  });

  test('POP user with Outlook User-Agent › success: settings, the redirect is for Business Mail only', async () => {
    const res = await postAutodiscover(redirectApp, requestFixture('outlook-desktop-crlf.xml'), {
      'User-Agent': OUTLOOK_UA,
    });
    expect(textAt(settingsOf(res), 'Autodiscover/Response/Account/Action')).toBe('settings');
  });

  test('foreign domain with Outlook User-Agent › failure: ErrorCode 500', async () => {
    const res = await postAutodiscover(
      redirectApp,
      requestFixtureFor('thunderbird-single-line.xml', 'x@foreign.test'),
      { 'User-Agent': OUTLOOK_UA },
    );
    expect(autodiscoverErrorCode(res)).toBe('500');
  });
});
