import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { XhrApi } from '@ewsjs/xhr';
import {
  AutodiscoverErrorCode,
  AutodiscoverService,
  DomainSettingName,
  ExchangeVersion,
  Uri,
  UserSettingName,
  WebCredentials,
  type GetUserSettingsResponse,
  type WebClientUrlCollection,
} from 'ews-javascript-api';
import type { AppConfig } from '../../src/config/schema';
import { createListeners, readTlsFiles, type Listener } from '../../src/http/listeners';
import { exampleApp, exampleConfig } from '../support/app';
import { writeSelfSignedTlsFiles } from '../support/tls';

/**
 * A real EWS client library (ews-javascript-api, the EWS Managed API's JavaScript port) against the
 * service on loopback HTTPS, through the project's own listeners, with a certificate made here.
 */

let folder: string;
let listeners: Listener[] = [];
let servedWithDisplayNames: Listener[] = [];

async function listen(config: AppConfig, app: ReturnType<typeof exampleApp>): Promise<Listener[]> {
  const tls = readTlsFiles(config, folder);
  if (tls === null || Array.isArray(tls)) throw new Error(`TLS files not read: ${String(tls)}`);
  const started = createListeners(app, config, tls);
  await Promise.all(
    started.map(({ server }) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))),
  );
  return started;
}

function httpsConfig(): AppConfig {
  const base = exampleConfig().config;
  return {
    ...base,
    rateLimit: { ...base.rateLimit, enabled: false },
    server: { ...base.server, https: { port: 8443, rescanSeconds: 60, certFile: 'cert.pem', keyFile: 'key.pem' } },
  };
}

beforeAll(async () => {
  folder = await writeSelfSignedTlsFiles();
  const config = httpsConfig();
  listeners = await listen(config, exampleApp({ config: () => config }));
  const revealing: AppConfig = {
    ...config,
    privacy: { revealDisplayNames: true },
    businessMail: { ...config.businessMail, activeDirectoryServer: 'gc.mamutmail.com' },
  };
  servedWithDisplayNames = await listen(revealing, exampleApp({ config: () => revealing }));
});

afterAll(async () => {
  await Promise.all(
    [...listeners, ...servedWithDisplayNames].map(
      ({ server }) => new Promise<void>((resolve) => server.close(() => resolve())),
    ),
  );
  rmSync(folder, { recursive: true, force: true });
});

function httpsPort(started: Listener[]): number {
  const secure = started.find((listener) => listener.scheme === 'https');
  if (secure === undefined) throw new Error('no HTTPS listener');
  return (secure.server.address() as AddressInfo).port;
}

/** The library's Autodiscover client, pointed at our SOAP URL, trusting the test's self-signed certificate. */
function autodiscoverClient(started: Listener[], path = '/Autodiscover/Autodiscover.svc'): AutodiscoverService {
  const service = new AutodiscoverService(ExchangeVersion.Exchange2010);
  service.Url = new Uri(`https://127.0.0.1:${httpsPort(started)}${path}`);
  // Sent as Basic auth and ignored: the service checks no credentials.
  service.Credentials = new WebCredentials('business.user@example.com', 'not-checked');
  service.XHRApi = new XhrApi({ rejectUnauthorized: false });
  return service;
}

const ASKED = [
  UserSettingName.ExternalEwsUrl,
  UserSettingName.InternalEwsUrl,
  UserSettingName.ExternalMailboxServer,
  UserSettingName.UserDisplayName,
  UserSettingName.ActiveDirectoryServer,
  UserSettingName.UserDN,
  UserSettingName.ExternalWebClientUrls,
];

function settingErrors(response: GetUserSettingsResponse): Record<string, string> {
  return Object.fromEntries(
    response.UserSettingErrors.map((error) => [error.SettingName, AutodiscoverErrorCode[error.ErrorCode]]),
  );
}

describe('ews-javascript-api AutodiscoverService against POST /autodiscover/autodiscover.svc over HTTPS', () => {
  test('Business Mail user › GetUserSettings › the EWS URLs, the mailbox server, OWA; the rest as not available', async () => {
    const response = await autodiscoverClient(listeners).GetUserSettings('business.user@example.com', ASKED);
    expect(AutodiscoverErrorCode[response.ErrorCode]).toBe('NoError');
    expect(response.GetSettingValue<string>(UserSettingName.ExternalEwsUrl)).toBe(
      'https://mamutmail.com/EWS/Exchange.asmx',
    );
    expect(response.GetSettingValue<string>(UserSettingName.InternalEwsUrl)).toBe(
      'https://mamutmail.com/EWS/Exchange.asmx',
    );
    expect(response.GetSettingValue<string>(UserSettingName.ExternalMailboxServer)).toBe('mamutmail.com');
    const owa = response.GetSettingValue<WebClientUrlCollection>(UserSettingName.ExternalWebClientUrls);
    expect(owa.Urls.map((url) => [url.Url, url.AuthenticationMethods])).toEqual([
      ['https://mamutmail.com', 'Basic, Fba'],
    ]);
    // Display names stay hidden by default (privacy.revealDisplayNames), and nothing configures the others.
    expect(settingErrors(response)).toEqual({
      UserDisplayName: 'SettingIsNotAvailable',
      ActiveDirectoryServer: 'SettingIsNotAvailable',
      UserDN: 'SettingIsNotAvailable',
    });
    // The ServerVersionInfo header is read (the library fails without one).
    expect(autodiscoverClient(listeners).ServerInfo).toBeDefined();
  });

  test('display names revealed and an ActiveDirectoryServer configured › both are answered', async () => {
    const response = await autodiscoverClient(servedWithDisplayNames).GetUserSettings(
      'business.user@example.com',
      ASKED,
    );
    expect(response.GetSettingValue<string>(UserSettingName.UserDisplayName)).toBe('Business User');
    expect(response.GetSettingValue<string>(UserSettingName.ActiveDirectoryServer)).toBe('gc.mamutmail.com');
    expect(settingErrors(response)).toEqual({ UserDN: 'SettingIsNotAvailable' });
  });

  test('no URL, only the host › the library finds the SOAP endpoint by the X-SOAP-Enabled header of the POX GET', async () => {
    // What it does for a domain: GET https://<host>/autodiscover/autodiscover.xml, read the
    // headers, then POST to https://<host>/autodiscover/autodiscover.svc.
    const service = new AutodiscoverService(ExchangeVersion.Exchange2010);
    service.Domain = `127.0.0.1:${httpsPort(listeners)}`;
    service.Credentials = new WebCredentials('business.user@example.com', 'not-checked');
    service.XHRApi = new XhrApi({ rejectUnauthorized: false });
    const response = await service.GetUserSettings('business.user@example.com', [UserSettingName.ExternalEwsUrl]);
    expect(response.GetSettingValue<string>(UserSettingName.ExternalEwsUrl)).toBe(
      'https://mamutmail.com/EWS/Exchange.asmx',
    );
    expect(service.Url.ToString()).toBe(`https://127.0.0.1:${httpsPort(listeners)}/autodiscover/autodiscover.svc`);
  });

  test('…/autodiscover.svc/wssecurity › the same answer', async () => {
    const response = await autodiscoverClient(listeners, '/autodiscover/autodiscover.svc/wssecurity').GetUserSettings(
      'someone@example.org',
      [UserSettingName.ExternalEwsUrl],
    );
    expect(AutodiscoverErrorCode[response.ErrorCode]).toBe('NoError');
    expect(response.GetSettingValue<string>(UserSettingName.ExternalEwsUrl)).toBe(
      'https://mamutmail.com/EWS/Exchange.asmx',
    );
  });

  test('POP access user and a foreign user › the protocol’s own InvalidUser, not a transport error', async () => {
    const client = autodiscoverClient(listeners);
    const pop = await client.GetUserSettings('pop.user@example.com', [UserSettingName.ExternalEwsUrl]);
    expect(AutodiscoverErrorCode[pop.ErrorCode]).toBe('InvalidUser');
    expect(pop.Settings.Count).toBe(0);
    const foreign = await client.GetUserSettings('someone@elsewhere.test', [UserSettingName.ExternalEwsUrl]);
    expect(AutodiscoverErrorCode[foreign.ErrorCode]).toBe('InvalidUser');
  });

  test('GetUsersSettings for several users › one answer each, in order', async () => {
    const responses = await autodiscoverClient(listeners).GetUsersSettings(
      ['business.user@example.com', 'pop.user@example.com', 'new.user@example.org'],
      UserSettingName.ExternalEwsUrl,
    );
    expect(responses.GetEnumerator().map((response) => AutodiscoverErrorCode[response.ErrorCode])).toEqual([
      'NoError',
      'InvalidUser',
      'NoError',
    ]);
    expect(responses.GetEnumerator().map((response) => response.SmtpAddress)).toEqual([
      'business.user@example.com',
      'pop.user@example.com',
      'new.user@example.org',
    ]);
  });

  test('GetDomainSettings › ExternalEwsUrl for a Business Mail domain, ExternalEwsVersion not available', async () => {
    const hosted = await autodiscoverClient(listeners).GetDomainSettings(
      'example.org',
      ExchangeVersion.Exchange2010,
      DomainSettingName.ExternalEwsUrl,
      DomainSettingName.ExternalEwsVersion,
    );
    expect(AutodiscoverErrorCode[hosted.ErrorCode]).toBe('NoError');
    expect(hosted.Settings.get(DomainSettingName.ExternalEwsUrl)).toBe('https://mamutmail.com/EWS/Exchange.asmx');
    expect(
      hosted.DomainSettingErrors.map((error) => [error.SettingName, AutodiscoverErrorCode[error.ErrorCode]]),
    ).toEqual([['ExternalEwsVersion', 'SettingIsNotAvailable']]);
    // A foreign domain's InvalidDomain answer has no DomainSetting, which this library cannot read
    // (docs/protocols.md §11.5); supertest checks that answer (autodiscover-soap.test.ts).
  });
});
