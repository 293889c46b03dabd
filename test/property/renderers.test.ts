import fc from 'fast-check';
import { buildProviderProfile } from '../../src/config/provider-profile';
import type { AccessType } from '../../src/model/access-type';
import type { EmailAddress } from '../../src/model/email-address';
import type { AddressedMailSettings } from '../../src/model/mail-settings';
import { resolveSettings } from '../../src/model/resolve-settings';
import { renderAutoconfig } from '../../src/protocols/autoconfig/render';
import { answerAutodiscoverJson, type AutodiscoverJsonOutcome } from '../../src/protocols/autodiscover-json/answers';
import { parseAutodiscoverJsonRequest } from '../../src/protocols/autodiscover-json/parse-request';
import { renderMobileSyncResponse, renderOutlookResponse } from '../../src/protocols/autodiscover/render';
import {
  AUTODISCOVER_ERRORS,
  renderAutodiscoverError,
  type AutodiscoverErrorCode,
} from '../../src/protocols/autodiscover/render-error';
import { renderAppleProfile } from '../../src/protocols/mobileconfig/render';
import { renderGetUserSettingsResponse } from '../../src/protocols/autodiscover-soap/render';
import { exampleConfig } from '../support/app';
import { hasNode, listAt, nodeAt } from '../support/documents';
import { asPlistReadsIt, asXmlCarriesIt, readPlist, readXml, xmlText } from '../support/hostile';
import { anyString, displayName, RUNS, validAddress } from './arbitraries';

const { config } = exampleConfig();
const profile = buildProviderProfile(config);
const redirectProfile = buildProviderProfile({
  ...config,
  businessMail: {
    ...config.businessMail,
    outlookMode: 'redirect',
    outlookRedirectUrl: 'https://mamutmail.com/Autodiscover/Autodiscover.xml',
  },
});

const accessType = fc.constantFrom<AccessType>('pop', 'business');
const maybeDisplayName = fc.option(displayName, { nil: null });

function settingsFor(
  address: EmailAddress,
  name: string | null,
  type: AccessType,
  redirect = false,
): AddressedMailSettings {
  return resolveSettings(redirect ? redirectProfile : profile, {
    accessType: type,
    domain: address.domain,
    address,
    displayName: name,
  });
}

/** What the answer must say back: the display name only when there is one, as XML can carry it. */
function expectDisplayName(document: unknown, path: string, name: string | null): void {
  if (name === null) expect(hasNode(document, path)).toBe(false);
  else expect(xmlText(document, path)).toBe(asXmlCarriesIt(name));
}

// xmldom (under plist.parse) warns on every U+FFFD it reads; the replacement is the point here.
beforeAll(() => {
  const original = console.error.bind(console);
  jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('[xmldom warning]')) return;
    original(...args);
  });
});
afterAll(() => jest.restoreAllMocks());

describe('renderers › every answer parses back to the address and display name it was given', () => {
  test('Outlook POX: well-formed, AutoDiscoverSMTPAddress, DisplayName and LoginName intact', () => {
    fc.assert(
      fc.property(
        validAddress,
        maybeDisplayName,
        accessType,
        fc.boolean(),
        fc.boolean(),
        (address, name, type, redirect, followsRedirect) => {
          const document = readXml(
            renderOutlookResponse(settingsFor(address, name, type, redirect), {
              clientFollowsRedirectUrl: followsRedirect,
            }),
          );
          expect(xmlText(document, 'Autodiscover/Response/User/AutoDiscoverSMTPAddress')).toBe(address.address);
          expectDisplayName(document, 'Autodiscover/Response/User/DisplayName', name);
          if (hasNode(document, 'Autodiscover/Response/Account/Protocol')) {
            expect(xmlText(document, 'Autodiscover/Response/Account/Protocol[0]/LoginName')).toBe(address.address);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('MobileSync (Business Mail): well-formed, EMailAddress and DisplayName intact', () => {
    fc.assert(
      fc.property(validAddress, maybeDisplayName, (address, name) => {
        const settings = settingsFor(address, name, 'business');
        if (settings.accessType !== 'business') throw new Error('expected Business Mail settings');
        const document = readXml(renderMobileSyncResponse(settings));
        expect(xmlText(document, 'Autodiscover/Response/User/EMailAddress')).toBe(address.address);
        expectDisplayName(document, 'Autodiscover/Response/User/DisplayName', name);
      }),
      { numRuns: RUNS },
    );
  });

  test('autoconfig: well-formed, every username is the address', () => {
    fc.assert(
      fc.property(validAddress, maybeDisplayName, accessType, (address, name, type) => {
        const document = readXml(renderAutoconfig(settingsFor(address, name, type), config.provider));
        expect(xmlText(document, 'clientConfig/emailProvider/incomingServer[0]/username')).toBe(address.address);
        expect(xmlText(document, 'clientConfig/emailProvider/outgoingServer[0]/username')).toBe(address.address);
        expect(xmlText(document, 'clientConfig/emailProvider/domain')).toBe(address.domain);
      }),
      { numRuns: RUNS },
    );
  });

  test('SOAP GetUserSettings: well-formed; the address, display name and every requested name, escaped, once each', () => {
    fc.assert(
      fc.property(
        validAddress,
        maybeDisplayName,
        fc.array(fc.oneof(anyString, fc.constantFrom('UserDisplayName', 'AutoDiscoverSMTPAddress')), {
          minLength: 1,
          maxLength: 8,
        }),
        (address, name, asked) => {
          const settings = settingsFor(address, name, 'business');
          if (settings.accessType !== 'business') throw new Error('expected Business Mail settings');
          // As the parser hands them over: trimmed, non-empty, each once.
          const requested = [...new Set(asked.map((text) => text.trim()).filter((text) => text !== ''))];
          if (requested.length === 0) return;
          const document = readXml(renderGetUserSettingsResponse([{ kind: 'settings', settings }], requested));
          const user = 's:Envelope/s:Body/GetUserSettingsResponseMessage/Response/UserResponses/UserResponse';
          const named = (list: string, item: string, field: string): string[] =>
            hasNode(document, `${user}/${list}/${item}`)
              ? listAt(document, `${user}/${list}/${item}`).map((node) => xmlText(node, field))
              : [];
          const answered = named('UserSettings', 'UserSetting', 'Name');
          const refused = named('UserSettingErrors', 'UserSettingError', 'SettingName');
          // A parser reads a raw CR in text as LF (XML 1.0 §2.11): a name with one comes back so changed.
          const readBack = (text: string): string => asXmlCarriesIt(text).replace(/\r\n?/g, '\n');
          expect([...answered, ...refused].sort()).toEqual(requested.map(readBack).sort());
          const values = hasNode(document, `${user}/UserSettings/UserSetting`)
            ? listAt(document, `${user}/UserSettings/UserSetting`)
            : [];
          const valueOf = (settingName: string): string | undefined => {
            const setting = values.find((node) => xmlText(node, 'Name') === settingName);
            return setting === undefined ? undefined : xmlText(setting, 'Value');
          };
          if (requested.includes('AutoDiscoverSMTPAddress'))
            expect(valueOf('AutoDiscoverSMTPAddress')).toBe(address.address);
          if (requested.includes('UserDisplayName'))
            expect(valueOf('UserDisplayName')).toBe(name === null ? undefined : asXmlCarriesIt(name));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('Apple profile: plist parses back with the address, display name, reverse-DNS identifiers and UUIDs', () => {
    fc.assert(
      fc.property(validAddress, maybeDisplayName, accessType, (address, name, type) => {
        const settings = settingsFor(address, name, type);
        const text = renderAppleProfile(settings, config.provider);
        const profileDocument = readPlist(text);
        const payload = nodeAt(profileDocument, 'PayloadContent[0]');
        expect(payload).toMatchObject({ EmailAddress: address.address });
        expect(nodeAt(profileDocument, 'PayloadDisplayName')).toBe(`${config.provider.name}: ${address.address}`);
        if (type === 'pop') {
          expect(payload).toMatchObject({ IncomingMailServerUsername: address.address });
          if (name !== null && name !== '' && name.trim() === '') {
            // The plist package drops whitespace-only text nodes (Apple's parser keeps them): check the bytes.
            expect(text).toMatch(new RegExp(`<key>EmailAccountName</key>\\s*<string>${name}</string>`, 'u'));
          } else if (name !== null) {
            expect(payload).toMatchObject({ EmailAccountName: asPlistReadsIt(name) });
          }
        } else {
          expect(payload).toMatchObject({ UserName: `${address.localPart}_${address.domain}` });
        }
        for (const identifier of [nodeAt(profileDocument, 'PayloadIdentifier'), nodeAt(payload, 'PayloadIdentifier')]) {
          expect(identifier).toMatch(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/);
        }
        expect(nodeAt(profileDocument, 'PayloadUUID')).toMatch(
          /^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/,
        );
      }),
      { numRuns: RUNS },
    );
  });

  test('Autodiscover v2 JSON: any requested protocol name comes back intact from JSON.parse', () => {
    fc.assert(
      fc.property(validAddress, accessType, anyString, (address, type, requested) => {
        const parsed = parseAutodiscoverJsonRequest(address.address, requested);
        const outcome: AutodiscoverJsonOutcome = parsed.ok
          ? { kind: 'settings', request: parsed.value.protocol, settings: settingsFor(address, null, type) }
          : { kind: 'invalid-request', invalid: parsed.error };
        const answer = answerAutodiscoverJson(outcome, config.autodiscover.publicUrl);
        const body = JSON.parse(answer.body.toString()) as { readonly ErrorMessage?: string };
        if (answer.status === 400) expect(body.ErrorMessage).toContain(`'${requested}'`);
        else expect(answer.status).toBe(200);
      }),
      { numRuns: RUNS },
    );
  });

  test('Autodiscover errors: well-formed for every code, clock and server id', () => {
    const codes = Object.keys(AUTODISCOVER_ERRORS).map(Number) as AutodiscoverErrorCode[];
    fc.assert(
      fc.property(
        fc.constantFrom(...codes),
        fc.constantFrom('outlook' as const, 'mobilesync' as const, null),
        fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 4294967295 }),
        (code, schema, now, serverId) => {
          const document = readXml(renderAutodiscoverError(code, schema, { now, serverId }));
          expect(xmlText(document, 'Autodiscover/Response/Error/ErrorCode')).toBe(String(code));
          expect(xmlText(document, 'Autodiscover/Response/Error/@Time')).toMatch(/^\d\d:\d\d:\d\d\.\d{7}$/);
          expect(xmlText(document, 'Autodiscover/Response/Error/@Id')).toBe(String(serverId));
        },
      ),
      { numRuns: RUNS / 3 },
    );
  });
});
