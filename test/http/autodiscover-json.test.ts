import request from 'supertest';
import { exampleApp, exampleConfig } from '../support/app';
import { isRecord } from '../support/documents';
import type { TestResponse } from '../support/http';

const app = exampleApp();
const { config } = exampleConfig();

/** The JSON body after checking the headers every Autodiscover v2 answer carries. */
function jsonOf(res: TestResponse, status: number): Record<string, unknown> {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json\b/);
  expect(res.headers['cache-control']).toBe('no-store');
  const body: unknown = JSON.parse(res.text);
  if (!isRecord(body)) throw new Error(`not a JSON object: ${res.text}`);
  return body;
}

const pathForm = (address: string, protocol: string) =>
  `/autodiscover/autodiscover.json/v1.0/${encodeURIComponent(address)}?Protocol=${encodeURIComponent(protocol)}&RedirectCount=1`;
const queryForm = (address: string, protocol: string) =>
  `/autodiscover/autodiscover.json?Email=${encodeURIComponent(address)}&Protocol=${encodeURIComponent(protocol)}&RedirectCount=1`;

describe.each([
  ['GET /autodiscover/autodiscover.json/v1.0/{address}', pathForm],
  ['GET /autodiscover/autodiscover.json?Email=', queryForm],
])('%s', (_route, url) => {
  test.each(['pop.user@example.com', 'business.user@example.com', 'nobody@example.com', 'nobody@example.org'])(
    'AutodiscoverV1 for hosted %s › success: this service’s POX URL',
    async (address) => {
      const body = jsonOf(await request(app).get(url(address, 'AutodiscoverV1')), 200);
      expect(body).toEqual({ Protocol: 'AutodiscoverV1', Url: config.autodiscover.publicUrl });
    },
  );

  test.each([
    ['autodiscoverv1', 'AutodiscoverV1', config.autodiscover.publicUrl],
    ['ACTIVESYNC', 'ActiveSync', config.businessMail.activeSyncUrl],
    ['Ews', 'Ews', config.businessMail.ewsUrl],
  ])(
    'Business user, Protocol=%s (case-insensitive) › success: %s URL, canonical spelling',
    async (asked, protocol, expectedUrl) => {
      const body = jsonOf(await request(app).get(url('business.user@example.com', asked)), 200);
      expect(body).toEqual({ Protocol: protocol, Url: expectedUrl });
    },
  );

  test.each(['ActiveSync', 'Ews'])(
    'POP user, Protocol=%s › failure: 400 InvalidProtocol listing only AutodiscoverV1',
    async (protocol) => {
      const body = jsonOf(await request(app).get(url('pop.user@example.com', protocol)), 400);
      expect(body).toEqual({
        ErrorCode: 'InvalidProtocol',
        ErrorMessage: `The given protocol value '${protocol}' is invalid. Supported values are 'AutodiscoverV1'`,
      });
    },
  );

  test('unknown protocol (Rest) › failure: 400 InvalidProtocol', async () => {
    const body = jsonOf(await request(app).get(url('business.user@example.com', 'Rest')), 400);
    expect(body['ErrorCode']).toBe('InvalidProtocol');
    expect(body['ErrorMessage']).toContain("'Rest'");
  });

  test('foreign domain › failure: 404 with the JSON error shape', async () => {
    const body = jsonOf(await request(app).get(url('someone@foreign.test', 'AutodiscoverV1')), 404);
    expect(typeof body['ErrorCode']).toBe('string');
    expect(typeof body['ErrorMessage']).toBe('string');
  });

  test('invalid address › failure: 400 with the JSON error shape', async () => {
    const body = jsonOf(await request(app).get(url('not-an-address', 'AutodiscoverV1')), 400);
    expect(typeof body['ErrorCode']).toBe('string');
    expect(body['ErrorCode']).not.toBe('InvalidProtocol');
  });
});

describe('GET /autodiscover/autodiscover.json › edge cases', () => {
  test('capitalised path /AutoDiscover/AutoDiscover.json/v1.0/{address} › success', async () => {
    const res = await request(app).get(
      '/AutoDiscover/AutoDiscover.json/v1.0/business.user@example.com?Protocol=ActiveSync',
    );
    expect(jsonOf(res, 200)).toEqual({ Protocol: 'ActiveSync', Url: config.businessMail.activeSyncUrl });
  });

  test('no Email parameter › failure: 400 JSON', async () => {
    const body = jsonOf(await request(app).get('/autodiscover/autodiscover.json?Protocol=AutodiscoverV1'), 400);
    expect(typeof body['ErrorCode']).toBe('string');
  });

  test('no Protocol parameter › failure: 400 InvalidProtocol', async () => {
    const body = jsonOf(await request(app).get('/autodiscover/autodiscover.json?Email=pop.user%40example.com'), 400);
    expect(body['ErrorCode']).toBe('InvalidProtocol');
  });
});

describe('GET /autodiscover/autodiscover.json › businessMail.outlookMode redirect', () => {
  const redirectUrl = 'https://exchange.example.net/Autodiscover/Autodiscover.xml';
  const redirectApp = exampleApp({
    config: (c) => ({
      ...c,
      businessMail: { ...c.businessMail, outlookMode: 'redirect', outlookRedirectUrl: redirectUrl },
    }),
  });

  describe.each([
    ['path form', pathForm],
    ['Email form', queryForm],
  ])('%s', (_form, url) => {
    test.each(['business.user@example.com', 'nobody@example.org'])(
      'AutodiscoverV1 for Business Mail %s › success: the Exchange platform’s own Autodiscover URL',
      async (address) => {
        const body = jsonOf(await request(redirectApp).get(url(address, 'AutodiscoverV1')), 200);
        expect(body).toEqual({ Protocol: 'AutodiscoverV1', Url: redirectUrl });
      },
    );

    test.each(['pop.user@example.com', 'nobody@example.com'])(
      'AutodiscoverV1 for POP access %s › success: still this service’s POX URL',
      async (address) => {
        const body = jsonOf(await request(redirectApp).get(url(address, 'AutodiscoverV1')), 200);
        expect(body).toEqual({ Protocol: 'AutodiscoverV1', Url: config.autodiscover.publicUrl });
      },
    );

    test.each([
      ['ActiveSync', config.businessMail.activeSyncUrl],
      ['Ews', config.businessMail.ewsUrl],
    ])('Business Mail, Protocol=%s › success: unchanged by the redirect mode', async (protocol, expectedUrl) => {
      const body = jsonOf(await request(redirectApp).get(url('business.user@example.com', protocol)), 200);
      expect(body).toEqual({ Protocol: protocol, Url: expectedUrl });
    });
  });
});
