import request from 'supertest';
import { exampleApp, exampleConfig } from '../support/app';
import { expectValues, listAt, nodeAt, parseProfile } from '../support/documents';
import type { TestResponse } from '../support/http';

const app = exampleApp();
const { config } = exampleConfig();

/** The profile's only payload, after checking the download headers and the top-level keys. */
function payloadOf(res: TestResponse): unknown {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/x-apple-aspen-config');
  expect(res.headers['cache-control']).toBe('no-store');
  // A safe filename: quoted or bare, only [A-Za-z0-9._-], ending in .mobileconfig.
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?[A-Za-z0-9._-]+\.mobileconfig"?$/);
  const profile = parseProfile(res.text);
  expect(nodeAt(profile, 'PayloadType')).toBe('Configuration');
  expect(nodeAt(profile, 'PayloadVersion')).toBe(1);
  expect(nodeAt(profile, 'PayloadIdentifier')).toEqual(expect.stringMatching(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/));
  expect(nodeAt(profile, 'PayloadUUID')).toEqual(
    expect.stringMatching(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/),
  );
  expect(listAt(profile, 'PayloadContent')).toHaveLength(1);
  return nodeAt(profile, 'PayloadContent[0]');
}

function expectPlainFailure(res: TestResponse, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^text\/plain\b/);
  expect(res.headers['content-disposition']).toBeUndefined();
}

const get = (address: string) => request(app).get(`/mobileconfig?emailaddress=${encodeURIComponent(address)}`);

describe('GET /mobileconfig?emailaddress=', () => {
  test('POP user › success: com.apple.mail.managed with IMAP in, implicit-TLS SMTP out', async () => {
    expectValues(payloadOf(await get('pop.user@example.com')), {
      PayloadType: 'com.apple.mail.managed',
      EmailAccountType: 'EmailTypeIMAP',
      EmailAddress: 'pop.user@example.com',
      IncomingMailServerHostName: config.popAccess.imap.host,
      IncomingMailServerPortNumber: 993,
      IncomingMailServerUseSSL: true,
      IncomingMailServerAuthentication: 'EmailAuthPassword',
      IncomingMailServerUsername: 'pop.user@example.com',
      OutgoingMailServerPortNumber: 465,
      OutgoingMailServerUseSSL: true,
      OutgoingMailServerUsername: 'pop.user@example.com',
      OutgoingPasswordSameAsIncomingPassword: true,
    });
  });

  test('Business user › success: com.apple.eas.account with UserName business.user_example.com', async () => {
    expectValues(payloadOf(await get('business.user@example.com')), {
      PayloadType: 'com.apple.eas.account',
      EmailAddress: 'business.user@example.com',
      Host: config.businessMail.host,
      SSL: true,
      UserName: 'business.user_example.com',
    });
  });

  test('same address twice › success: identical identifiers and UUIDs, so a re-download replaces the profile', async () => {
    const first = parseProfile((await get('pop.user@example.com')).text);
    const second = parseProfile((await get('pop.user@example.com')).text);
    expect(nodeAt(second, 'PayloadUUID')).toBe(nodeAt(first, 'PayloadUUID'));
    expect(nodeAt(second, 'PayloadContent[0]/PayloadUUID')).toBe(nodeAt(first, 'PayloadContent[0]/PayloadUUID'));
  });

  test('IDN domain of a foreign provider › failure: 404', async () => {
    expectPlainFailure(await get('user@bücher.example'), 404);
  });

  test('foreign domain › failure: 404', async () => {
    expectPlainFailure(await get('someone@foreign.test'), 404);
  });

  test('missing emailaddress › failure: 400', async () => {
    expectPlainFailure(await request(app).get('/mobileconfig'), 400);
  });

  test.each(['not-an-address', 'a@b@', '"quoted"@example.com', 'x@example.com\r\nX-Injected: 1'])(
    'invalid address %j › failure: 400',
    async (address) => {
      expectPlainFailure(await get(address), 400);
    },
  );
});

/** User-Agents as Apple's and others' browsers send them (Safari's Mac agent is frozen at 10_15_7). */
const USER_AGENTS = {
  macSafari:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  macChrome:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  iPhoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  // iPadOS Safari asking for the mobile site (the desktop default sends macSafari's agent).
  iPadMobileSafari:
    'Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  // Chrome on iPadOS in desktop mode: a Mac agent, but CriOS exists only on iOS.
  iPadChromeDesktop:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Version/18.1 Safari/605.1.15',
  windowsEdge:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
} as const;

const getFrom = (path: string, userAgent?: string) => {
  const pending = request(app).get(path);
  return userAgent === undefined ? pending : pending.set('User-Agent', userAgent);
};

const BUSINESS = '/mobileconfig?emailaddress=business.user%40example.com';
const POP = '/mobileconfig?emailaddress=pop.user%40example.com';

describe('GET /mobileconfig: which Apple system the profile is for (docs/protocols.md §7.5)', () => {
  test.each([
    ['platform=macos', `${BUSINESS}&platform=macos`, USER_AGENTS.iPhoneSafari],
    ['platform=macOS (any letter case)', `${BUSINESS}&platform=macOS`, undefined],
    ['PLATFORM=MACOS (parameter name in any case)', `${BUSINESS}&PLATFORM=MACOS`, undefined],
    ['Mac Safari, no platform', BUSINESS, USER_AGENTS.macSafari],
    ['Mac Chrome, no platform', BUSINESS, USER_AGENTS.macChrome],
  ])('Business user, %s › com.apple.ews.account with the full address as UserName', async (_case, path, agent) => {
    expectValues(payloadOf(await getFrom(path, agent)), {
      PayloadType: 'com.apple.ews.account',
      EmailAddress: 'business.user@example.com',
      Host: new URL(config.businessMail.ewsUrl).hostname,
      Port: 443,
      Path: new URL(config.businessMail.ewsUrl).pathname,
      SSL: true,
      UserName: 'business.user@example.com',
    });
  });

  test.each([
    ['platform=ios, even from a Mac', `${BUSINESS}&platform=ios`, USER_AGENTS.macSafari],
    ['iPhone Safari', BUSINESS, USER_AGENTS.iPhoneSafari],
    ['iPad Safari asking for the mobile site', BUSINESS, USER_AGENTS.iPadMobileSafari],
    ['Chrome on iPad in desktop mode', BUSINESS, USER_AGENTS.iPadChromeDesktop],
    ['Windows Edge (no Apple system named)', BUSINESS, USER_AGENTS.windowsEdge],
    ['no User-Agent', BUSINESS, undefined],
  ])("Business user, %s › com.apple.eas.account with the phones' '_' UserName", async (_case, path, agent) => {
    expectValues(payloadOf(await getFrom(path, agent)), {
      PayloadType: 'com.apple.eas.account',
      Host: config.businessMail.host,
      UserName: 'business.user_example.com',
    });
  });

  test('POP user › the same com.apple.mail.managed profile for both systems', async () => {
    const forIos = await getFrom(`${POP}&platform=ios`);
    const forMac = await getFrom(`${POP}&platform=macos`, USER_AGENTS.macSafari);
    expect(nodeAt(payloadOf(forMac), 'PayloadType')).toBe('com.apple.mail.managed');
    expect(forMac.text).toBe(forIos.text);
  });

  test.each([
    ['android', 'platform=android', '"android"'],
    ['empty', 'platform=', '""'],
    ['given twice (ambiguous)', 'platform=ios&Platform=macos', '""'],
    ['not UTF-8', 'platform=%C0%80', '"%C0%80"'],
    ['with markup', 'platform=%3Cscript%3E', '"<script>"'],
  ])('platform %s › failure: 400 naming the parameter and both values', async (_case, query, quoted) => {
    const res = await getFrom(`${BUSINESS}&${query}`);
    expectPlainFailure(res, 400);
    expect(res.text).toBe(`platform: must be "ios" (iPhone, iPad) or "macos" (Mac), got ${quoted}\n`);
  });

  test('unknown platform and no address › 400 for the platform, before the address is read', async () => {
    const res = await getFrom('/mobileconfig?platform=windows');
    expectPlainFailure(res, 400);
    expect(res.text).toMatch(/^platform: /);
  });
});
