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
