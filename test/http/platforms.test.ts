/**
 * Domains on platforms of their own (docs/protocols.md §14), through every route of the app built on
 * the example config: config/accounts.json puts hosting02.example (Business Mail) on a second Exchange
 * cluster and mail2.example (POP access) on other mail hosts. Where a golden file holds the same
 * answer, the served bytes must be that file; the provider-wide domains keep their answers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { AppConfig } from '../../src/config/schema';
import { PACC_PATH } from '../../src/protocols/pacc/paths';
import { exampleApp } from '../support/app';
import { requestFixture, requestFixtureFor } from '../support/documents';
import { OUTLOOK_UA, postAutodiscover, type TestResponse } from '../support/http';
import { HOSTING02_USER, MAIL2_USER } from '../support/platforms';
import { GOLDEN_SIGNING_FOLDER, goldenPathOf, signedProfileBytes, type GoldenProtocol } from '../golden/cases';

const app = exampleApp();

function golden(protocol: GoldenProtocol, name: string): Buffer {
  return readFileSync(path.join(__dirname, '../golden', goldenPathOf({ protocol, name })));
}

/** The body as bytes, whatever the content type. */
const getBytes = (target: ReturnType<typeof exampleApp>, url: string, host?: string): Promise<TestResponse> =>
  request(target)
    .get(url)
    .set('Host', host ?? '127.0.0.1')
    .buffer(true)
    .parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    });

function bytesOf(res: TestResponse): Buffer {
  const body: unknown = res.body;
  if (!Buffer.isBuffer(body)) throw new Error('expected a binary body');
  return body;
}

describe('Outlook POX › the domain’s platform', () => {
  test.each([
    ['Business Mail on hosting02', HOSTING02_USER, 'platform-business-mail'],
    ['POP access on mail2', MAIL2_USER, 'platform-pop-access'],
  ])('%s › the golden answer', async (_label, address, name) => {
    const res = await postAutodiscover(app, requestFixtureFor('outlook-desktop-crlf.xml', address), {
      'User-Agent': OUTLOOK_UA,
      'Content-Type': 'text/xml',
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe(golden('autodiscover', name).toString('utf8'));
  });

  test('mobilesync schema (ActiveSync phones) › the cluster’s EAS URL', async () => {
    const res = await postAutodiscover(app, requestFixtureFor('activesync-mobilesync-schema.xml', HOSTING02_USER), {
      'Content-Type': 'text/xml',
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe(golden('mobilesync', 'platform-business-mail').toString('utf8'));
  });

  test('the provider-wide domain next to it › still the provider’s own hosts', async () => {
    const res = await postAutodiscover(app, requestFixtureFor('outlook-desktop-crlf.xml', 'jane@example.org'), {
      'Content-Type': 'text/xml',
    });
    expect(res.text).toContain('<Server>mamutmail.com</Server>');
    expect(res.text).toContain('<DomainName>hosting01</DomainName>');
  });
});

describe('Autodiscover v2 JSON › the domain’s platform', () => {
  test.each([
    ['ActiveSync', 'platform-business-mail-activesync'],
    ['Ews', 'platform-business-mail-ews'],
  ])('Protocol=%s › the golden answer', async (protocol, name) => {
    const res = await request(app).get(
      `/autodiscover/autodiscover.json/v1.0/${encodeURIComponent(HOSTING02_USER)}?Protocol=${protocol}`,
    );
    const expected = JSON.parse(golden('autodiscover-json', name).toString('utf8')) as {
      status: number;
      body: unknown;
    };
    expect({ status: res.status, body: JSON.parse(res.text) as unknown }).toEqual(expected);
  });
});

describe('SOAP Autodiscover › the domain’s platform', () => {
  test('GetUserSettings › the cluster’s EWS and OWA URLs', async () => {
    const body = requestFixture('soap-ews-javascript-api-get-user-settings.xml').toString('utf8');
    const res = await postAutodiscover(
      app,
      body.replace('business.user@example.com', HOSTING02_USER),
      { 'Content-Type': 'text/xml; charset=utf-8' },
      '/autodiscover/autodiscover.svc',
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain('<Value>https://exchange02.example.net/EWS/Exchange.asmx</Value>');
    expect(res.text).toContain('<Url>https://exchange02.example.net/owa</Url>');
    expect(res.text).not.toContain('https://mamutmail.com');
  });
});

describe('Thunderbird autoconfig › the domain’s platform, both URL forms', () => {
  test.each([
    ['/mail/config-v1.1.xml', HOSTING02_USER, 'platform-business-mail'],
    ['/.well-known/autoconfig/mail/config-v1.1.xml', HOSTING02_USER, 'platform-business-mail'],
    ['/mail/config-v1.1.xml', MAIL2_USER, 'platform-pop-access'],
    ['/.well-known/autoconfig/mail/config-v1.1.xml', MAIL2_USER, 'platform-pop-access'],
  ])('%s for %s › the golden answer', async (url, address, name) => {
    const res = await request(app).get(`${url}?emailaddress=${encodeURIComponent(address)}`);
    expect(res.status).toBe(200);
    expect(res.text).toBe(golden('autoconfig', name).toString('utf8'));
  });

  test.each([
    ['autoconfig.mail2.example', 'platform-placeholders-pop-domain'],
    ['autoconfig.hosting02.example', 'platform-placeholders-business-domain'],
  ])('no address, Host %s › the placeholder answer of the domain’s platform', async (host, name) => {
    const res = await request(app).get('/mail/config-v1.1.xml').set('Host', host);
    expect(res.status).toBe(200);
    expect(res.text).toBe(golden('autoconfig', name).toString('utf8'));
  });
});

describe('Apple profiles › the domain’s platform', () => {
  test.each([
    [HOSTING02_USER, '', 'platform-business-mail'],
    [HOSTING02_USER, '&platform=macos', 'platform-business-mail-macos'],
    [MAIL2_USER, '', 'platform-pop-access'],
  ])('%s%s › the golden profile', async (address, extra, name) => {
    const res = await getBytes(app, `/mobileconfig?emailaddress=${encodeURIComponent(address)}${extra}`);
    expect(res.status).toBe(200);
    expect(bytesOf(res).equals(golden('mobileconfig', name))).toBe(true);
  });

  test.each([
    [HOSTING02_USER, 'platform-business-mail'],
    [MAIL2_USER, 'platform-pop-access'],
  ])('signed, %s › the golden signed bytes (the golden test certificates)', async (address, name) => {
    const signing = (config: AppConfig): AppConfig => ({
      ...config,
      appleProfileSigning: {
        certFile: path.join(GOLDEN_SIGNING_FOLDER, 'signer.pem'),
        keyFile: path.join(GOLDEN_SIGNING_FOLDER, 'signer.key'),
        chainFile: path.join(GOLDEN_SIGNING_FOLDER, 'intermediate.pem'),
        recheckSeconds: 3600,
      },
    });
    const res = await getBytes(
      exampleApp({ config: signing }),
      `/mobileconfig?emailaddress=${encodeURIComponent(address)}`,
    );
    expect(res.status).toBe(200);
    expect(bytesOf(res).equals(signedProfileBytes(name))).toBe(true);
  });
});

describe('PACC › the domain’s platform', () => {
  test('ua-auto-config.mail2.example › the golden document (the platform’s hosts)', async () => {
    const res = await getBytes(app, PACC_PATH, 'ua-auto-config.mail2.example');
    expect(res.status).toBe(200);
    expect(bytesOf(res).equals(golden('pacc', 'platform-pop-domain'))).toBe(true);
  });
});

describe('the setup page (GET /) › the domain’s platform, from MailSettings like every protocol', () => {
  test('Business Mail on hosting02 › the cluster’s server and OWA, Windows domain hosting02', async () => {
    const res = await request(app).get(`/?address=${encodeURIComponent(HOSTING02_USER)}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('exchange02.example.net');
    expect(res.text).toContain('https://exchange02.example.net/owa');
    expect(res.text).toContain('hosting02');
    expect(res.text).not.toContain('hosting01');
  });

  test('POP access on mail2 › the platform’s IMAP and SMTP hosts', async () => {
    const res = await request(app).get(`/?address=${encodeURIComponent(MAIL2_USER)}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('imap.mail2.example.net');
    expect(res.text).toContain('smtp.mail2.example.net');
  });
});
