import { parseSoapAutodiscoverRequest } from '../../src/protocols/autodiscover-soap/parse-request';
import { requestFixture } from '../support/documents';

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const AUTODISCOVER = 'http://schemas.microsoft.com/exchange/2010/Autodiscover';
const ACTION = `${AUTODISCOVER}/Autodiscover`;

/** An envelope with the given header and body content, the Autodiscover namespace as the default one. */
function envelope(body: string, header = `<wsa:Action>${ACTION}/GetUserSettings</wsa:Action>`): Buffer {
  return Buffer.from(
    `<s:Envelope xmlns:s="${SOAP}" xmlns:wsa="http://www.w3.org/2005/08/addressing">` +
      `<s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`,
    'utf8',
  );
}

const userMessage = (inner: string): string =>
  `<GetUserSettingsRequestMessage xmlns="${AUTODISCOVER}"><Request>${inner}</Request></GetUserSettingsRequestMessage>`;

describe('parseSoapAutodiscoverRequest', () => {
  test('ews-javascript-api GetUserSettings › its mailbox and settings, in order', () => {
    expect(parseSoapAutodiscoverRequest(requestFixture('soap-ews-javascript-api-get-user-settings.xml'))).toEqual({
      ok: true,
      value: {
        operation: 'GetUserSettings',
        mailboxes: ['business.user@example.com'],
        settings: ['ExternalEwsUrl', 'UserDN', 'ExternalWebClientUrls'],
      },
    });
  });

  test('exchangelib probe (message prefix declared on the Envelope) › DUMMY@example.com', () => {
    const parsed = parseSoapAutodiscoverRequest(requestFixture('soap-exchangelib-dummy-probe.xml'));
    expect(parsed).toEqual({
      ok: true,
      value: { operation: 'GetUserSettings', mailboxes: ['DUMMY@example.com'], settings: ['AutoDiscoverSMTPAddress'] },
    });
  });

  test('GetDomainSettings (indented, with RequestedVersion) › its domains and settings', () => {
    expect(parseSoapAutodiscoverRequest(requestFixture('soap-get-domain-settings.xml'))).toEqual({
      ok: true,
      value: {
        operation: 'GetDomainSettings',
        domains: ['example.org'],
        settings: ['ExternalEwsUrl', 'ExternalEwsVersion'],
      },
    });
  });

  test('no Action header › the Body message names the operation; https:// action spelling accepted', () => {
    const inner =
      '<Users><User><Mailbox>a@example.org</Mailbox></User></Users><RequestedSettings><Setting>ExternalEwsUrl</Setting></RequestedSettings>';
    expect(parseSoapAutodiscoverRequest(envelope(userMessage(inner), '')).ok).toBe(true);
    const https = `<wsa:Action>${ACTION.replace('http:', 'https:')}/GetUserSettings</wsa:Action>`;
    expect(parseSoapAutodiscoverRequest(envelope(userMessage(inner), https)).ok).toBe(true);
  });

  test('setting names trimmed, repeated ones once, empty ones dropped; mailbox text kept as sent', () => {
    const inner =
      '<Users><User><Mailbox>a&#64;example.org</Mailbox></User><User/></Users>' +
      '<RequestedSettings><Setting> ExternalEwsUrl </Setting><Setting>ExternalEwsUrl</Setting><Setting/></RequestedSettings>';
    expect(parseSoapAutodiscoverRequest(envelope(userMessage(inner)))).toEqual({
      ok: true,
      value: { operation: 'GetUserSettings', mailboxes: ['a@example.org', ''], settings: ['ExternalEwsUrl'] },
    });
  });

  test.each([
    ['not XML', Buffer.from('nope')],
    ['another root', Buffer.from('<Autodiscover/>')],
    ['Envelope in no namespace', Buffer.from('<Envelope><Body/></Envelope>')],
    ['no Body', Buffer.from(`<s:Envelope xmlns:s="${SOAP}"><s:Header/></s:Envelope>`)],
    ['empty Body, no Action', envelope('', '')],
    ['DOCTYPE', Buffer.from(`<!DOCTYPE s:Envelope><s:Envelope xmlns:s="${SOAP}"><s:Body/></s:Envelope>`)],
  ])('%s › not-soap', (_case, body) => {
    const parsed = parseSoapAutodiscoverRequest(body);
    expect(parsed.ok ? null : parsed.error.kind).toBe('not-soap');
  });

  test('SOAP 1.2 envelope › soap-version-mismatch', () => {
    const body = Buffer.from('<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>');
    expect(parseSoapAutodiscoverRequest(body)).toEqual({ ok: false, error: { kind: 'soap-version-mismatch' } });
  });

  test.each([
    ['by Action', envelope(userMessage(''), `<wsa:Action>${ACTION}/GetFederationInformation</wsa:Action>`)],
    ['by Body message', envelope(`<GetFederationInformationRequestMessage xmlns="${AUTODISCOVER}"/>`, '')],
  ])('an operation we do not offer, %s › unsupported-operation', (_case, body) => {
    const parsed = parseSoapAutodiscoverRequest(body);
    expect(parsed.ok ? null : parsed.error.kind).toBe('unsupported-operation');
  });

  test.each([
    ['empty Body', envelope('')],
    ['no Request', envelope(`<GetUserSettingsRequestMessage xmlns="${AUTODISCOVER}"/>`)],
    ['no user', envelope(userMessage('<RequestedSettings><Setting>ExternalEwsUrl</Setting></RequestedSettings>'))],
    ['no setting', envelope(userMessage('<Users><User><Mailbox>a@example.org</Mailbox></User></Users>'))],
    [
      'message in another namespace',
      envelope(
        '<GetUserSettingsRequestMessage xmlns="urn:other"><Request><Users><User><Mailbox>a@example.org</Mailbox></User></Users><RequestedSettings><Setting>ExternalEwsUrl</Setting></RequestedSettings></Request></GetUserSettingsRequestMessage>',
      ),
    ],
  ])('%s › invalid-soap-request for GetUserSettings', (_case, body) => {
    const parsed = parseSoapAutodiscoverRequest(body);
    expect(parsed.ok ? null : parsed.error).toMatchObject({
      kind: 'invalid-soap-request',
      operation: 'GetUserSettings',
    });
  });
});
