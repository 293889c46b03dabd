import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { createLogger } from '../../src/http/logger';
import { MAX_USERS_PER_REQUEST } from '../../src/protocols/autodiscover-soap/parse-request';
import { soapUrlBeside } from '../../src/protocols/autodiscover-soap/paths';
import { exampleApp } from '../support/app';
import { listAt, parseXmlDocument, requestFixture, textAt } from '../support/documents';
import { expectNoInternals, failingDirectory, postAutodiscover, type TestResponse } from '../support/http';

const SOAP_PATH = '/autodiscover/autodiscover.svc';
const app = exampleApp();

/** A GetUserSettings envelope as ews-javascript-api writes it, for these mailboxes and settings. */
function getUserSettingsBody(mailboxes: readonly string[], settings: readonly string[] = ['ExternalEwsUrl']): string {
  const users = mailboxes.map((mailbox) => `<a:User><a:Mailbox>${mailbox}</a:Mailbox></a:User>`).join('');
  const names = settings.map((setting) => `<a:Setting>${setting}</a:Setting>`).join('');
  return (
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://schemas.microsoft.com/exchange/2010/Autodiscover" xmlns:wsa="http://www.w3.org/2005/08/addressing">' +
    '<soap:Header><a:RequestedServerVersion>Exchange2013</a:RequestedServerVersion>' +
    '<wsa:Action>http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettings</wsa:Action>' +
    '<wsa:To>https://autodiscover.example.org/autodiscover/autodiscover.svc</wsa:To></soap:Header>' +
    `<soap:Body><a:GetUserSettingsRequestMessage><a:Request><a:Users>${users}</a:Users>` +
    `<a:RequestedSettings>${names}</a:RequestedSettings></a:Request></a:GetUserSettingsRequestMessage></soap:Body></soap:Envelope>`
  );
}

function post(body: Buffer | string, headers: Readonly<Record<string, string>> = {}, path = SOAP_PATH) {
  return postAutodiscover(app, body, { 'Content-Type': 'text/xml; charset=utf-8', ...headers }, path);
}

/** Headers every SOAP answer carries. */
function expectSoapHeaders(res: TestResponse): void {
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-store');
}

/** The UserResponse elements of a 200 GetUserSettings answer. */
function userResponsesOf(res: TestResponse): unknown[] {
  expect(res.status).toBe(200);
  expectSoapHeaders(res);
  const document = parseXmlDocument(res.text);
  const response = 's:Envelope/s:Body/GetUserSettingsResponseMessage/Response';
  expect(textAt(document, `${response}/ErrorCode`)).toBe('NoError');
  return listAt(document, `${response}/UserResponses/UserResponse`);
}

/** Setting name → value of one UserResponse's StringSettings. */
function stringSettingsOf(userResponse: unknown): Record<string, string> {
  const settings = listAt(userResponse, 'UserSettings/UserSetting').filter(
    (setting) => textAt(setting, '@i:type') === 'StringSetting',
  );
  return Object.fromEntries(settings.map((setting) => [textAt(setting, 'Name'), textAt(setting, 'Value')]));
}

/** The fault code of a SOAP fault answer, after checking its status. */
function faultCodeOf(res: TestResponse, status: number): string {
  expect(res.status).toBe(status);
  expectSoapHeaders(res);
  return textAt(parseXmlDocument(res.text), 's:Envelope/s:Body/s:Fault/faultcode');
}

describe('POST /autodiscover/autodiscover.svc › GetUserSettings', () => {
  test('ews-javascript-api request, Business Mail user › 200, EWS URL answered, UserDN not available', async () => {
    const [user] = userResponsesOf(await post(requestFixture('soap-ews-javascript-api-get-user-settings.xml')));
    expect(textAt(user, 'ErrorCode')).toBe('NoError');
    expect(stringSettingsOf(user)).toEqual({ ExternalEwsUrl: 'https://mamutmail.com/EWS/Exchange.asmx' });
    expect(textAt(user, 'UserSettings/UserSetting[1]/WebClientUrls/WebClientUrl/Url')).toBe('https://mamutmail.com');
    expect(textAt(user, 'UserSettingErrors/UserSettingError/SettingName')).toBe('UserDN');
    expect(textAt(user, 'UserSettingErrors/UserSettingError/ErrorCode')).toBe('SettingIsNotAvailable');
  });

  test('paths are case-insensitive, and …/wssecurity answers the same', async () => {
    const body = getUserSettingsBody(['business.user@example.com']);
    const plain = await post(body);
    for (const path of ['/Autodiscover/Autodiscover.svc', '/AUTODISCOVER/autodiscover.svc/WSSecurity']) {
      const res = await post(body, {}, path);
      expect(res.status).toBe(200);
      expect(res.text).toBe(plain.text);
    }
  });

  test('exchangelib unauthenticated probe with DUMMY@example.com › 200 (no 401), InvalidUser for a POP domain', async () => {
    const res = await post(requestFixture('soap-exchangelib-dummy-probe.xml'), {
      'X-AnchorMailbox': 'DUMMY@example.com',
    });
    const [user] = userResponsesOf(res);
    expect(textAt(user, 'ErrorCode')).toBe('InvalidUser');
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  test('probe with a dummy user at a Business Mail domain › 200 with that domain’s settings', async () => {
    const [user] = userResponsesOf(await post(getUserSettingsBody(['DUMMY@example.org'], ['AutoDiscoverSMTPAddress'])));
    expect(stringSettingsOf(user)).toEqual({ AutoDiscoverSMTPAddress: 'DUMMY@example.org' });
  });

  test('credentials are neither needed nor checked › same answer with and without Basic auth', async () => {
    const body = getUserSettingsBody(['business.user@example.com']);
    const withAuth = await post(body, { Authorization: `Basic ${Buffer.from('x:y').toString('base64')}` });
    expect(withAuth.status).toBe(200);
    expect(withAuth.text).toBe((await post(body)).text);
  });

  test.each([
    ['POP access user', 'pop.user@example.com', 'InvalidUser'],
    ['foreign user', 'someone@elsewhere.test', 'InvalidUser'],
    ['text that is no address', 'not an address', 'InvalidUser'],
    ['empty Mailbox', '', 'InvalidUser'],
  ])('%s (%j) › 200 with the protocol’s own %s, no settings', async (_case, mailbox, code) => {
    const [user] = userResponsesOf(await post(getUserSettingsBody([mailbox])));
    expect(textAt(user, 'ErrorCode')).toBe(code);
    expect(textAt(user, 'UserSettings')).toBe('');
  });

  test('a listed Business Mail mailbox answers like an unlisted one of a Business Mail domain (no enumeration)', async () => {
    const listed = await post(getUserSettingsBody(['business.user@example.com'], ['ExternalEwsUrl', 'UserDN']));
    const unlisted = await post(getUserSettingsBody(['nobody@example.org'], ['ExternalEwsUrl', 'UserDN']));
    expect(listed.text).toBe(unlisted.text);
    expect(textAt(userResponsesOf(listed)[0], 'ErrorCode')).toBe('NoError');
  });

  test('several users › one UserResponse each, in request order', async () => {
    const users = userResponsesOf(
      await post(getUserSettingsBody(['business.user@example.com', 'pop.user@example.com', 'new@example.org'])),
    );
    expect(users.map((user) => textAt(user, 'ErrorCode'))).toEqual(['NoError', 'InvalidUser', 'NoError']);
  });

  test('unknown setting names › InvalidSetting; known names without a value › SettingIsNotAvailable', async () => {
    const [user] = userResponsesOf(
      await post(getUserSettingsBody(['business.user@example.com'], ['CasVersion', 'NotASetting', 'ExternalEwsUrl'])),
    );
    const errors = listAt(user, 'UserSettingErrors/UserSettingError').map((error) => [
      textAt(error, 'SettingName'),
      textAt(error, 'ErrorCode'),
    ]);
    expect(errors).toEqual([
      ['CasVersion', 'SettingIsNotAvailable'],
      ['NotASetting', 'InvalidSetting'],
    ]);
  });

  test('directory unavailable › 200 with ServerBusy for that user, no internals', async () => {
    const broken = exampleApp({ directory: failingDirectory(new Error('db password hunter2 rejected')) });
    const res = await postAutodiscover(broken, getUserSettingsBody(['business.user@example.com']), {}, SOAP_PATH);
    const [user] = userResponsesOf(res);
    expect(textAt(user, 'ErrorCode')).toBe('ServerBusy');
    expectNoInternals(res.text, 'hunter2');
  });
});

describe('GET /autodiscover/autodiscover.xml › the SOAP endpoint announced', () => {
  test('the unauthenticated GET the EWS Managed API sends first › 200 with X-SOAP-Enabled and X-WSSecurity-Enabled', async () => {
    const res = await request(app).get('/Autodiscover/Autodiscover.xml');
    expect(res.status).toBe(200);
    expect(res.headers['x-soap-enabled']).toBe('True');
    expect(res.headers['x-wssecurity-enabled']).toBe('True');
  });
});

describe('plain HTTP with server.redirectPlainHttpAutodiscover (exchangelib’s port-80 step)', () => {
  const redirecting = exampleApp({
    config: (config) => ({ ...config, server: { ...config.server, redirectPlainHttpAutodiscover: true } }),
  });
  const SOAP_URL = 'https://autodiscover.mamutmail.com/autodiscover/autodiscover.svc';

  test('GET › 302 to the HTTPS SOAP URL; POST › 307 (method and body kept)', async () => {
    const get = await request(redirecting).get('/Autodiscover/Autodiscover.svc');
    expect([get.status, get.headers['location']]).toEqual([302, SOAP_URL]);
    const posted = await postAutodiscover(redirecting, getUserSettingsBody(['a@example.org']), {}, SOAP_PATH);
    expect([posted.status, posted.headers['location']]).toEqual([307, SOAP_URL]);
  });

  test.each([
    ['https://autodiscover.mamutmail.com/autodiscover/autodiscover.xml', SOAP_URL],
    ['https://ad.example.net/Autodiscover/Autodiscover.xml', 'https://ad.example.net/Autodiscover/autodiscover.svc'],
    ['https://ad.example.net/other?x=1', 'https://ad.example.net/autodiscover/autodiscover.svc'],
  ])('the SOAP URL beside %s › %s', (pox, soap) => {
    expect(soapUrlBeside(pox)).toBe(soap);
  });
});

describe('POST /autodiscover/autodiscover.svc › GetDomainSettings', () => {
  const domainResponseOf = async (domain: string): Promise<unknown> => {
    const body = requestFixture('soap-get-domain-settings.xml')
      .toString('utf8')
      .replace('<a:Domain>example.org</a:Domain>', `<a:Domain>${domain}</a:Domain>`);
    const res = await post(body);
    expect(res.status).toBe(200);
    const document = parseXmlDocument(res.text);
    return listAt(
      document,
      's:Envelope/s:Body/GetDomainSettingsResponseMessage/Response/DomainResponses/DomainResponse',
    )[0];
  };

  test('Business Mail domain › ExternalEwsUrl; ExternalEwsVersion not available', async () => {
    const domain = await domainResponseOf('example.org');
    expect(textAt(domain, 'ErrorCode')).toBe('NoError');
    expect(textAt(domain, 'DomainSettings/DomainSetting/Value')).toBe('https://mamutmail.com/EWS/Exchange.asmx');
    expect(textAt(domain, 'DomainSettingErrors/DomainSettingError/SettingName')).toBe('ExternalEwsVersion');
  });

  test('POP access domain › no EWS URL to name', async () => {
    const domain = await domainResponseOf('example.com');
    expect(textAt(domain, 'ErrorCode')).toBe('NoError');
    expect(textAt(domain, 'DomainSettings')).toBe('');
  });

  test.each([['elsewhere.test'], ['not a domain']])('%s › InvalidDomain', async (name) => {
    expect(textAt(await domainResponseOf(name), 'ErrorCode')).toBe('InvalidDomain');
  });
});

describe('POST /autodiscover/autodiscover.svc › bad requests: a 4xx SOAP fault or InvalidRequest, never a 5xx', () => {
  test.each([
    ['empty body', ''],
    ['not XML', 'hello'],
    [
      'POX Autodiscover body',
      '<Autodiscover><Request><EMailAddress>a@example.com</EMailAddress></Request></Autodiscover>',
    ],
    ['Envelope without Body', '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>'],
    ['Envelope in no namespace', '<Envelope><Body/></Envelope>'],
    ['UTF-16 body', Buffer.from(`\ufeff${getUserSettingsBody(['a@example.org'])}`, 'utf16le')],
  ])('%s › 400 Client fault', async (_case, body) => {
    expect(faultCodeOf(await post(body), 400)).toBe('s:Client');
  });

  test('DOCTYPE with an entity › 400 Client fault, the entity never expanded', async () => {
    const body = getUserSettingsBody(['&xxe;']).replace(
      '<soap:Envelope',
      '<!DOCTYPE soap:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><soap:Envelope',
    );
    const res = await post(body);
    expect(faultCodeOf(res, 400)).toBe('s:Client');
    expect(res.text).not.toContain('root:');
  });

  test('SOAP 1.2 envelope › 400 VersionMismatch fault', async () => {
    const body = getUserSettingsBody(['a@example.org']).replace(
      'http://schemas.xmlsoap.org/soap/envelope/',
      'http://www.w3.org/2003/05/soap-envelope',
    );
    expect(faultCodeOf(await post(body), 400)).toBe('s:VersionMismatch');
  });

  test('GetFederationInformation › 400 ActionNotSupported fault', async () => {
    const body = getUserSettingsBody(['a@example.org']).replace(
      'Autodiscover/Autodiscover/GetUserSettings',
      'Autodiscover/Autodiscover/GetFederationInformation',
    );
    expect(faultCodeOf(await post(body), 400)).toBe('a:ActionNotSupported');
  });

  test.each([
    ['no user', getUserSettingsBody([])],
    ['no setting', getUserSettingsBody(['a@example.org'], [])],
    [
      `more than ${MAX_USERS_PER_REQUEST} users`,
      getUserSettingsBody(Array.from({ length: MAX_USERS_PER_REQUEST + 1 }, (_, i) => `u${i}@example.org`)),
    ],
    [
      'Action and Body disagree',
      getUserSettingsBody(['a@example.org']).replace(
        'Autodiscover/Autodiscover/GetUserSettings',
        'Autodiscover/Autodiscover/GetDomainSettings',
      ),
    ],
    [
      'message outside the Autodiscover namespace',
      getUserSettingsBody(['a@example.org']).replace(
        '<a:GetUserSettingsRequestMessage>',
        '<a:GetUserSettingsRequestMessage xmlns:a="urn:elsewhere">',
      ),
    ],
  ])('%s › 200 with ErrorCode InvalidRequest', async (_case, body) => {
    const res = await post(body);
    expect(res.status).toBe(200);
    expectSoapHeaders(res);
    const document = parseXmlDocument(res.text);
    const operation = textAt(document, 's:Envelope/s:Header/a:Action/#text').endsWith('GetDomainSettingsResponse')
      ? 'GetDomainSettings'
      : 'GetUserSettings';
    expect(textAt(document, `s:Envelope/s:Body/${operation}ResponseMessage/Response/ErrorCode`)).toBe('InvalidRequest');
  });

  test('body over server.maxBodyBytes › 413 Client fault, connection closed', async () => {
    const res = await post(
      getUserSettingsBody(
        ['a@example.org'],
        Array.from({ length: 400 }, () => 'ExternalEwsUrl'),
      ),
    );
    expect(faultCodeOf(res, 413)).toBe('s:Client');
    expect(res.headers['connection']).toBe('close');
  });

  test('compressed body › 415 Client fault', async () => {
    const res = await post(gzipSync(getUserSettingsBody(['a@example.org'])), { 'Content-Encoding': 'gzip' });
    expect(faultCodeOf(res, 415)).toBe('s:Client');
  });

  test.each([['GET'], ['PUT']] as const)('%s › 400 Client fault', async (method) => {
    const res = method === 'GET' ? await request(app).get(SOAP_PATH) : await request(app).put(SOAP_PATH).send('x');
    expect(faultCodeOf(res, 400)).toBe('s:Client');
  });

  test('over the rate limit › 429 with Retry-After and a SOAP fault', async () => {
    const limited = exampleApp({
      config: (config) => ({ ...config, rateLimit: { ...config.rateLimit, enabled: true, points: 1 } }),
      rateLimiter: new RateLimiterMemory({ points: 1, duration: 60 }),
    });
    const body = getUserSettingsBody(['business.user@example.com']);
    expect((await postAutodiscover(limited, body, {}, SOAP_PATH)).status).toBe(200);
    const res = await postAutodiscover(limited, body, {}, SOAP_PATH);
    expect(faultCodeOf(res, 429)).toBe('s:Server');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('POST /autodiscover/autodiscover.svc › the request log line', () => {
  test('names the protocol, the outcome of the first user, its domain and the operation; never the local part', async () => {
    const lines: string[] = [];
    const logged = exampleApp({ logger: createLogger('info', { write: (line: string) => void lines.push(line) }) });
    await postAutodiscover(logged, getUserSettingsBody(['secret.local@example.org']), {}, SOAP_PATH);
    await postAutodiscover(logged, '<x/>', {}, SOAP_PATH);
    const [settings, invalid] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(settings).toMatchObject({
      protocol: 'autodiscover-soap',
      outcome: 'settings',
      domain: 'example.org',
      accessType: 'business',
      schema: 'GetUserSettings',
    });
    expect(invalid).toMatchObject({ protocol: 'autodiscover-soap', outcome: 'invalid-request', problem: 'not-soap' });
    expect(lines.join('')).not.toContain('secret.local');
  });
});

describe('POST /autodiscover/autodiscover.svc › the hostile corpus (test/hostile/corpus)', () => {
  const corpusDir = path.join(__dirname, '..', 'hostile', 'corpus');
  test.each(readdirSync(corpusDir).sort())('%s › never a 5xx, always a well-formed SOAP envelope', async (file) => {
    const res = await post(readFileSync(path.join(corpusDir, file)));
    expect(res.status).toBeLessThan(500);
    expectSoapHeaders(res);
    expect(textAt(parseXmlDocument(res.text), 's:Envelope/@xmlns:s')).toBe('http://schemas.xmlsoap.org/soap/envelope/');
  });
});
