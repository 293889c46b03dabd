/**
 * The golden cases: one named input per file under test/golden/<protocol>/<name>.<ext>.
 *
 * Every case goes through the pure path only (config → buildProviderProfile → resolveSettings →
 * renderer): no Express, no directory, no clock. Each case states the directory's answer itself
 * (access type, display name), as config/accounts.json gives it for the example addresses:
 * `pop.user@example.com` is POP access, `business.user@example.com` Business Mail, and a mailbox the
 * directory does not know takes its domain's default (example.com → pop, example.org → business).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import forge from 'node-forge';
import { buildProviderProfile } from '../../src/config/provider-profile';
import type { AppConfig } from '../../src/config/schema';
import type { AccessType } from '../../src/model/access-type';
import { parseDomainName, parseEmailAddress, type EmailAddress } from '../../src/model/email-address';
import type { AddressedMailSettings, BusinessMailSettings, MailSettings } from '../../src/model/mail-settings';
import { applyPlatform, type DomainPlatform } from '../../src/model/platform';
import { resolveSettings, type ProviderProfile } from '../../src/model/resolve-settings';
import { providerWideSettingsOf } from '../../src/protocols/autoconfig/provider-wide';
import { renderAutoconfig } from '../../src/protocols/autoconfig/render';
import type { Answer } from '../../src/http/answer';
import { answerAutodiscoverJson, type AutodiscoverJsonOutcome } from '../../src/protocols/autodiscover-json/answers';
import { parseAutodiscoverJsonRequest } from '../../src/protocols/autodiscover-json/parse-request';
import type { ResponseSchema } from '../../src/protocols/autodiscover/parse-request';
import { renderMobileSyncResponse, renderOutlookResponse } from '../../src/protocols/autodiscover/render';
import { renderAutodiscoverError, type AutodiscoverErrorCode } from '../../src/protocols/autodiscover/render-error';
import type { ApplePlatform } from '../../src/protocols/mobileconfig/platform';
import {
  loadSigningCredentials,
  nameOf,
  signProfile,
  type SigningCredentials,
} from '../../src/protocols/mobileconfig/profile-signer';
import { renderAppleProfile } from '../../src/protocols/mobileconfig/render';
import { renderPaccDocument } from '../../src/protocols/pacc/render';
import {
  createSoapAnswers,
  type DomainDiscovery,
  type SoapOutcome,
  type UserDiscovery,
} from '../../src/protocols/autodiscover-soap/answers';
import { DIRECTORY_UNAVAILABLE_RETRY_SECONDS } from '../../src/protocols/protocol-outcome';
import { exampleConfig, FIXED_NOW } from '../support/app';
import { examplePlatformOf, HOSTING02_DOMAIN, HOSTING02_USER, MAIL2_DOMAIN, MAIL2_USER } from '../support/platforms';

/** Folder names under test/golden/, one per wire format. */
export const GOLDEN_PROTOCOLS = [
  'autodiscover',
  'mobilesync',
  'autodiscover-json',
  'autodiscover-soap',
  'autoconfig',
  'mobileconfig',
  'mobileconfig-signed',
  'pacc',
] as const;
export type GoldenProtocol = (typeof GOLDEN_PROTOCOLS)[number];

export const GOLDEN_EXTENSION: Readonly<Record<GoldenProtocol, string>> = {
  autodiscover: 'xml',
  mobilesync: 'xml',
  // The JSON answer table's status and body, pretty-printed together in one file.
  'autodiscover-json': 'json',
  'autodiscover-soap': 'xml',
  autoconfig: 'xml',
  mobileconfig: 'mobileconfig',
  // What a signed profile holds, as JSON: its bytes are DER, pinned here by their SHA-256.
  'mobileconfig-signed': 'json',
  // Exactly the bytes served, which the _ua-auto-config TXT record digests.
  pacc: 'json',
};

export interface GoldenCase {
  readonly protocol: GoldenProtocol;
  /** File name without extension; says which edge case the file covers. */
  readonly name: string;
  /** The exact text the renderer returns. */
  readonly render: () => string;
}

/** Example addresses (config/accounts.json) and the directory answer each gets. */
export const POP_USER = 'pop.user@example.com';
export const BUSINESS_USER = 'business.user@example.com';
export const UNKNOWN_AT_POP_DOMAIN = 'nobody@example.com';
export const UNKNOWN_AT_BUSINESS_DOMAIN = 'nobody@example.org';
/** An IDN domain: every renderer must write the punycode form `xn--bcher-kva.example`. */
export const IDN_USER = 'user@bücher.example';
/** A local part that is not reverse-DNS safe: the Apple identifier gets a hash suffix. */
export const SYMBOL_USER = 'first.last+news@example.com';
/** Only revealed with privacy.revealDisplayNames; every markup-significant character at once. */
export const HOSTILE_DISPLAY_NAME = `Tom & "Jerry" <O'Brien> ]]> Ltd`;

/**
 * Domains on platforms of their own (config/accounts.json; docs/protocols.md §14): hosting02.example
 * is Business Mail on a second Exchange cluster (its own hosts and URLs, Windows domain hosting02,
 * the full address as the phone login), mail2.example POP access on other IMAP/POP3/SMTP hosts.
 * Their files are named `platform-…`.
 */
const ON_HOSTING02: MailboxAnswer = { accessType: 'business', platform: examplePlatformOf(HOSTING02_DOMAIN) };
const ON_MAIL2: MailboxAnswer = { accessType: 'pop', platform: examplePlatformOf(MAIL2_DOMAIN) };
/** A third cluster that answers Outlook itself and names a global catalog: the keys the example file leaves out. */
const ON_HOSTING03: MailboxAnswer = {
  accessType: 'business',
  platform: {
    name: 'hosting03',
    businessMail: {
      outlookMode: 'redirect',
      outlookRedirectUrl: 'https://exchange03.example.net/Autodiscover/Autodiscover.xml',
      activeDirectoryServer: 'gc.exchange03.example.net',
    },
  },
};
const HOSTING03_USER = 'jane@hosting03.example';

/** Error `Id`: an unsigned 32-bit server id, as in [MS-OXDSCLI]'s example. */
export const ERROR_SERVER_ID = 2477272013;

const BASE_CONFIG = exampleConfig().config;

/** Config variants the cases use; each is a copy of config/default.json with one section patched. */
export const CONFIGS = {
  example: BASE_CONFIG,
  pop3Preferred: configWith((config) => ({ ...config, popAccess: { ...config.popAccess, preferredIncoming: 'pop3' } })),
  outlookRedirect: configWith((config) => ({
    ...config,
    businessMail: {
      ...config.businessMail,
      outlookMode: 'redirect',
      outlookRedirectUrl: 'https://mamutmail.com/Autodiscover/Autodiscover.xml',
    },
  })),
  /**
   * Another provider: every provider value differs from the defaults (hosts, ports, sockets, names,
   * URLs, the Windows domain, keep-a-copy off), so a renderer that writes a default as a constant
   * fails these files.
   */
  otherProvider: configWith((config) => ({
    ...config,
    provider: {
      ...config.provider,
      id: 'mail.other-provider.example',
      name: 'Other Provider Mail',
      shortName: 'Other',
      payloadIdentifierPrefix: 'example.other-provider.autoconfig',
      webmailUrl: 'https://webmail.other-provider.example',
      autoconfigDomains: ['other-provider.example'],
    },
    popAccess: {
      ...config.popAccess,
      preferredIncoming: 'pop3',
      imap: { host: 'imap.other-provider.example', port: 143, socket: 'starttls' },
      pop3: { host: 'pop.other-provider.example', port: 110, socket: 'starttls' },
      smtp: [{ host: 'smtp.other-provider.example', port: 2525, socket: 'starttls' }],
      leaveMessagesOnServer: false,
      daysToLeaveMessagesOnServer: 30,
    },
    businessMail: {
      ...config.businessMail,
      host: 'exchange.other-provider.example',
      owaUrl: 'https://owa.other-provider.example/owa',
      ewsUrl: 'https://exchange.other-provider.example/EWS/Exchange.asmx',
      activeSyncUrl: 'https://exchange.other-provider.example/Microsoft-Server-ActiveSync',
      windowsDomain: 'hosting02',
      // Loaded config has businessMail.smtp resolved (to popAccess.smtp when left out): set it too.
      smtp: [{ host: 'smtp.other-provider.example', port: 2525, socket: 'starttls' }],
    },
  })),
  /** businessMail.activeDirectoryServer configured: SOAP answers name it. */
  globalCatalog: configWith((config) => ({
    ...config,
    businessMail: { ...config.businessMail, activeDirectoryServer: 'gc.mamutmail.com' },
  })),
  /** Some servers PACC can describe (implicit TLS on the default port), some it cannot. */
  mixedTls: configWith((config) => ({
    ...config,
    popAccess: {
      ...config.popAccess,
      imap: { host: 'imap.mixed.example', port: 143, socket: 'starttls' },
      pop3: { host: 'pop.mixed.example', port: 995, socket: 'tls' },
      smtp: [
        { host: 'submission.mixed.example', port: 587, socket: 'starttls' },
        { host: 'smtps.mixed.example', port: 465, socket: 'tls' },
      ],
    },
  })),
  /** Provider names longer than PACC allows (60 and 20 code points), with an astral character at the cut. */
  longProviderNames: configWith((config) => ({
    ...config,
    provider: {
      ...config.provider,
      // 59 code points, then U+1F418 as the 60th (UTF-16 units 59 and 60): cut after it, not through it.
      name: 'Mamut Mail f\u00fcr Gesch\u00e4ftskunden und Privatkunden in Europa: \u{1F418} und mehr',
      shortName: 'Mamut Mail Gesch\u00e4ftskunden',
    },
  })),
} as const;

function configWith(change: (config: AppConfig) => AppConfig): AppConfig {
  return change(structuredClone(BASE_CONFIG));
}

export function emailAddress(text: string): EmailAddress {
  const parsed = parseEmailAddress(text);
  if (!parsed.ok) throw new Error(`golden case address ${JSON.stringify(text)} is invalid: ${parsed.error}`);
  return parsed.value;
}

interface MailboxAnswer {
  readonly accessType: AccessType;
  readonly displayName?: string;
  readonly config?: AppConfig;
  /** The domain's own platform, as the directory answers it (docs/protocols.md §14). */
  readonly platform?: DomainPlatform;
}

/** The provider profile of the config, with the domain's platform laid over it as discover() does. */
function profileOf(config: AppConfig, platform: DomainPlatform | undefined): ProviderProfile {
  const profile = buildProviderProfile(config);
  return platform === undefined ? profile : applyPlatform(profile, platform);
}

/** Settings for one mailbox, as discover() builds them once the directory has answered. */
export function mailboxSettings(address: string, answer: MailboxAnswer): AddressedMailSettings {
  const parsed = emailAddress(address);
  return resolveSettings(profileOf(answer.config ?? BASE_CONFIG, answer.platform), {
    accessType: answer.accessType,
    domain: parsed.domain,
    address: parsed,
    displayName: answer.displayName ?? null,
  });
}

/** Settings for a domain only (autoconfig without `emailaddress`, PACC): usernames become placeholders. */
function domainSettings(
  domain: string,
  accessType: AccessType,
  config: AppConfig = BASE_CONFIG,
  platform?: DomainPlatform,
): MailSettings<null> {
  const parsed = parseDomainName(domain);
  if (!parsed.ok) throw new Error(`golden case domain ${JSON.stringify(domain)} is invalid`);
  return resolveSettings(profileOf(config, platform), {
    accessType,
    domain: parsed.value.ascii,
    address: null,
    displayName: null,
  });
}

function businessOnly(settings: MailSettings): BusinessMailSettings {
  if (settings.accessType !== 'business') throw new Error('this golden case needs a Business Mail mailbox');
  return settings;
}

/** The Apple profile for an address, with the example provider; for iPhone and iPad unless `platform` says. */
export function renderProfileFor(address: string, answer: MailboxAnswer, platform: ApplePlatform = 'ios'): string {
  return renderAppleProfile(mailboxSettings(address, answer), (answer.config ?? BASE_CONFIG).provider, platform);
}

// ---- Outlook POX (outlook schema) --------------------------------------------------------------

const outlook = (
  name: string,
  address: string,
  answer: MailboxAnswer,
  clientFollowsRedirectUrl = true,
): GoldenCase => ({
  protocol: 'autodiscover',
  name,
  render: () => renderOutlookResponse(mailboxSettings(address, answer), { clientFollowsRedirectUrl }),
});

const autodiscoverError = (
  protocol: 'autodiscover' | 'mobilesync',
  code: AutodiscoverErrorCode,
  schema: ResponseSchema | null,
): GoldenCase => ({
  protocol,
  name: `error-${code}`,
  render: () => renderAutodiscoverError(code, schema, { now: FIXED_NOW, serverId: ERROR_SERVER_ID }),
});

const OUTLOOK_CASES: readonly GoldenCase[] = [
  outlook('pop-access', POP_USER, { accessType: 'pop' }),
  outlook('business-mail', BUSINESS_USER, { accessType: 'business' }),
  outlook('unknown-mailbox-pop-domain', UNKNOWN_AT_POP_DOMAIN, { accessType: 'pop' }),
  outlook('unknown-mailbox-business-domain', UNKNOWN_AT_BUSINESS_DOMAIN, { accessType: 'business' }),
  outlook('business-redirect-outlook', BUSINESS_USER, { accessType: 'business', config: CONFIGS.outlookRedirect }),
  outlook(
    'business-redirect-thunderbird',
    BUSINESS_USER,
    { accessType: 'business', config: CONFIGS.outlookRedirect },
    false,
  ),
  outlook('pop3-preferred', POP_USER, { accessType: 'pop', config: CONFIGS.pop3Preferred }),
  outlook('pop-access-display-name-escaped', POP_USER, { accessType: 'pop', displayName: HOSTILE_DISPLAY_NAME }),
  outlook('business-mail-display-name-escaped', BUSINESS_USER, {
    accessType: 'business',
    displayName: HOSTILE_DISPLAY_NAME,
  }),
  outlook('idn-domain', IDN_USER, { accessType: 'pop' }),
  outlook('other-provider-pop-access', POP_USER, { accessType: 'pop', config: CONFIGS.otherProvider }),
  outlook('other-provider-business-mail', BUSINESS_USER, { accessType: 'business', config: CONFIGS.otherProvider }),
  outlook('platform-business-mail', HOSTING02_USER, ON_HOSTING02),
  outlook('platform-pop-access', MAIL2_USER, ON_MAIL2),
  outlook('platform-redirect-outlook', HOSTING03_USER, ON_HOSTING03),
  // Unknown domain, and a LegacyDN-only request: Outlook's schema, Response in the root namespace.
  autodiscoverError('autodiscover', 500, 'outlook'),
  // Empty body, GET, no address: sent before the schema is known.
  autodiscoverError('autodiscover', 600, null),
  autodiscoverError('autodiscover', 601, null),
  autodiscoverError('autodiscover', 603, 'outlook'),
];

// ---- Exchange ActiveSync (mobilesync schema) ---------------------------------------------------

const mobileSync = (name: string, address: string, answer: MailboxAnswer): GoldenCase => ({
  protocol: 'mobilesync',
  name,
  render: () => renderMobileSyncResponse(businessOnly(mailboxSettings(address, answer))),
});

const MOBILESYNC_CASES: readonly GoldenCase[] = [
  mobileSync('business-mail', BUSINESS_USER, { accessType: 'business' }),
  mobileSync('unknown-mailbox-business-domain', UNKNOWN_AT_BUSINESS_DOMAIN, { accessType: 'business' }),
  mobileSync('business-mail-display-name-escaped', BUSINESS_USER, {
    accessType: 'business',
    displayName: HOSTILE_DISPLAY_NAME,
  }),
  mobileSync('idn-domain', IDN_USER, { accessType: 'business' }),
  mobileSync('other-provider-business-mail', BUSINESS_USER, { accessType: 'business', config: CONFIGS.otherProvider }),
  mobileSync('platform-business-mail', HOSTING02_USER, ON_HOSTING02),
  // POP access has no ActiveSync: 501, "address known, no configuration for it".
  autodiscoverError('mobilesync', 501, 'mobilesync'),
  autodiscoverError('mobilesync', 500, 'mobilesync'),
  autodiscoverError('mobilesync', 603, 'mobilesync'),
];

// ---- Autodiscover v2 (JSON) --------------------------------------------------------------------

const AUTODISCOVER_URL = BASE_CONFIG.autodiscover.publicUrl;

/** The answer table's status and body (a JSON text), pretty-printed together. */
const jsonCase = (name: string, outcome: () => AutodiscoverJsonOutcome): GoldenCase => ({
  protocol: 'autodiscover-json',
  name,
  render: () => {
    const answer: Answer = answerAutodiscoverJson(outcome(), AUTODISCOVER_URL);
    if (typeof answer.body !== 'string') throw new Error('a JSON answer body is text');
    return `${JSON.stringify({ status: answer.status, body: JSON.parse(answer.body) as unknown }, null, 2)}\n`;
  },
});

/** The protocol as a client sends it, read by the request parser. */
function requestedProtocol(protocol: string) {
  const parsed = parseAutodiscoverJsonRequest(undefined, protocol);
  if (!parsed.ok) throw new Error(`golden case protocol ${JSON.stringify(protocol)} is unknown`);
  return parsed.value.protocol;
}

const jsonFor = (name: string, address: string, answer: MailboxAnswer, protocol: string): GoldenCase =>
  jsonCase(name, () => ({
    kind: 'settings',
    request: requestedProtocol(protocol),
    settings: mailboxSettings(address, answer),
  }));

const json = (
  name: string,
  address: string,
  accessType: AccessType,
  protocol: string,
  config: AppConfig = BASE_CONFIG,
): GoldenCase => jsonFor(name, address, { accessType, config }, protocol);

const JSON_CASES: readonly GoldenCase[] = [
  json('pop-access-autodiscoverv1', POP_USER, 'pop', 'AutodiscoverV1'),
  json('pop-access-activesync', POP_USER, 'pop', 'ActiveSync'),
  json('pop-access-ews', POP_USER, 'pop', 'Ews'),
  json('business-mail-autodiscoverv1', BUSINESS_USER, 'business', 'AutodiscoverV1'),
  json('business-mail-activesync', BUSINESS_USER, 'business', 'ActiveSync'),
  json('business-mail-ews', BUSINESS_USER, 'business', 'Ews'),
  // outlookMode redirect: AutodiscoverV1 hands Outlook to the Exchange platform, as the POX answer does.
  json('business-redirect-autodiscoverv1', BUSINESS_USER, 'business', 'AutodiscoverV1', CONFIGS.outlookRedirect),
  json('pop-access-redirect-mode-autodiscoverv1', POP_USER, 'pop', 'AutodiscoverV1', CONFIGS.outlookRedirect),
  json('unknown-mailbox-pop-domain-activesync', UNKNOWN_AT_POP_DOMAIN, 'pop', 'ActiveSync'),
  json('unknown-mailbox-business-domain-activesync', UNKNOWN_AT_BUSINESS_DOMAIN, 'business', 'ActiveSync'),
  jsonFor('platform-business-mail-activesync', HOSTING02_USER, ON_HOSTING02, 'ActiveSync'),
  jsonFor('platform-business-mail-ews', HOSTING02_USER, ON_HOSTING02, 'Ews'),
  jsonFor('platform-redirect-autodiscoverv1', HOSTING03_USER, ON_HOSTING03, 'AutodiscoverV1'),
  // Outlook desktop really sends "Autodiscoverv1"; the answer uses Exchange Online's spelling.
  json('protocol-name-case-insensitive', POP_USER, 'pop', 'autodiscoverV1'),
  jsonCase('unknown-protocol', () => ({
    kind: 'invalid-request',
    invalid: { kind: 'unknown-protocol', asSent: 'Rest' },
  })),
  jsonCase('error-invalid-address', () => ({
    kind: 'invalid-address',
    request: requestedProtocol('AutodiscoverV1'),
    addressError: 'missing-at',
  })),
  jsonCase('error-not-hosted', () => ({
    kind: 'not-hosted',
    request: requestedProtocol('AutodiscoverV1'),
    domain: 'example.net',
  })),
  jsonCase('error-unavailable', () => ({
    kind: 'unavailable',
    request: requestedProtocol('AutodiscoverV1'),
    domain: 'example.com',
    retryAfterSeconds: DIRECTORY_UNAVAILABLE_RETRY_SECONDS,
  })),
];

// ---- SOAP Autodiscover (GetUserSettings, GetDomainSettings) --------------------------------------

/** What the EWS libraries ask for, plus a name no spec defines (InvalidSetting). */
export const SOAP_REQUESTED_SETTINGS = [
  'UserDisplayName',
  'AutoDiscoverSMTPAddress',
  'ExternalEwsUrl',
  'InternalEwsUrl',
  'ExternalMailboxServer',
  'ExternalMailboxServerRequiresSSL',
  'ExternalMailboxServerAuthenticationMethods',
  'ExternalWebClientUrls',
  'ActiveDirectoryServer',
  'UserDN',
  'MobileMailboxPolicy',
  'EwsSupportedSchemas',
  'NoSuchSetting',
];

/** The answer table's body for an outcome (the status is checked by the route tests). */
const soapCase = (name: string, outcome: () => SoapOutcome): GoldenCase => ({
  protocol: 'autodiscover-soap',
  name,
  render: () => {
    const body = createSoapAnswers()(outcome()).body;
    if (typeof body !== 'string') throw new Error('a SOAP answer body is text');
    return body;
  },
});

const foundUser = (address: string, answer: MailboxAnswer): UserDiscovery => ({
  kind: 'settings',
  request: null,
  settings: mailboxSettings(address, answer),
});

const soapUsers = (name: string, users: () => readonly UserDiscovery[]): GoldenCase =>
  soapCase(name, () => ({ kind: 'user-settings', requested: SOAP_REQUESTED_SETTINGS, users: users() }));

const soapDomain = (name: string, domain: () => DomainDiscovery): GoldenCase =>
  soapCase(name, () => ({
    kind: 'domain-settings',
    requested: ['ExternalEwsUrl', 'ExternalEwsVersion'],
    domains: [domain()],
  }));

const SOAP_CASES: readonly GoldenCase[] = [
  soapUsers('get-user-settings-business-mail', () => [foundUser(BUSINESS_USER, { accessType: 'business' })]),
  // privacy.revealDisplayNames on, an ActiveDirectoryServer configured: both answered, escaped.
  soapUsers('get-user-settings-business-mail-display-name-escaped', () => [
    foundUser(BUSINESS_USER, {
      accessType: 'business',
      displayName: HOSTILE_DISPLAY_NAME,
      config: CONFIGS.globalCatalog,
    }),
  ]),
  soapUsers('get-user-settings-unknown-mailbox-business-domain', () => [
    foundUser(UNKNOWN_AT_BUSINESS_DOMAIN, { accessType: 'business' }),
  ]),
  // POP access has no Exchange account: the protocol's InvalidUser.
  soapUsers('get-user-settings-pop-access', () => [foundUser(POP_USER, { accessType: 'pop' })]),
  soapUsers('get-user-settings-not-hosted', () => [{ kind: 'not-hosted', request: null, domain: 'example.net' }]),
  soapUsers('get-user-settings-invalid-address', () => [
    { kind: 'invalid-address', request: null, addressError: 'missing-at' },
  ]),
  soapUsers('get-user-settings-unavailable', () => [
    {
      kind: 'unavailable',
      request: null,
      domain: 'example.org',
      retryAfterSeconds: DIRECTORY_UNAVAILABLE_RETRY_SECONDS,
    },
  ]),
  // One UserResponse per user, in request order.
  soapUsers('get-user-settings-several-users', () => [
    foundUser(BUSINESS_USER, { accessType: 'business' }),
    foundUser(POP_USER, { accessType: 'pop' }),
    { kind: 'not-hosted', request: null, domain: 'example.net' },
  ]),
  soapUsers('get-user-settings-idn-domain', () => [foundUser(IDN_USER, { accessType: 'business' })]),
  soapUsers('other-provider-get-user-settings', () => [
    foundUser(BUSINESS_USER, { accessType: 'business', config: CONFIGS.otherProvider }),
  ]),
  soapUsers('platform-get-user-settings', () => [foundUser(HOSTING02_USER, ON_HOSTING02)]),
  soapUsers('platform-get-user-settings-global-catalog', () => [foundUser(HOSTING03_USER, ON_HOSTING03)]),
  // Users on different platforms in one request: each answered from its own.
  soapUsers('platform-get-user-settings-several-platforms', () => [
    foundUser(HOSTING02_USER, ON_HOSTING02),
    foundUser(BUSINESS_USER, { accessType: 'business' }),
  ]),
  soapDomain('platform-get-domain-settings-business-domain', () => ({
    kind: 'settings',
    request: null,
    settings: domainSettings(HOSTING02_DOMAIN, 'business', BASE_CONFIG, ON_HOSTING02.platform),
  })),
  soapDomain('get-domain-settings-business-domain', () => ({
    kind: 'settings',
    request: null,
    settings: domainSettings('example.org', 'business'),
  })),
  soapDomain('get-domain-settings-pop-domain', () => ({
    kind: 'settings',
    request: null,
    settings: domainSettings('example.com', 'pop'),
  })),
  soapDomain('get-domain-settings-not-hosted', () => ({ kind: 'not-hosted', request: null, domain: 'example.net' })),
  soapCase('error-invalid-request-get-user-settings', () => ({
    kind: 'invalid-request',
    invalid: { kind: 'invalid-soap-request', operation: 'GetUserSettings', reason: 'no user is named' },
  })),
  soapCase('error-invalid-request-get-domain-settings', () => ({
    kind: 'invalid-request',
    invalid: { kind: 'invalid-soap-request', operation: 'GetDomainSettings', reason: 'no domain is named' },
  })),
  soapCase('fault-not-soap', () => ({
    kind: 'invalid-request',
    invalid: { kind: 'not-soap', reason: 'the root element is not a SOAP Envelope' },
  })),
  soapCase('fault-version-mismatch', () => ({ kind: 'invalid-request', invalid: { kind: 'soap-version-mismatch' } })),
  soapCase('fault-action-not-supported', () => ({
    kind: 'invalid-request',
    invalid: {
      kind: 'unsupported-operation',
      action: 'http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetFederationInformation',
    },
  })),
  soapCase('fault-not-a-post', () => ({ kind: 'invalid-request', invalid: { kind: 'not-a-post' } })),
  soapCase('fault-body-refused', () => ({
    kind: 'invalid-request',
    invalid: { kind: 'body-refused', refusedStatus: 413 },
  })),
  soapCase('fault-rate-limited', () => ({ kind: 'rate-limited', retryAfterSeconds: 60 })),
];

// ---- Thunderbird autoconfig --------------------------------------------------------------------

const autoconfig = (name: string, settings: () => MailSettings, config: AppConfig = BASE_CONFIG): GoldenCase => ({
  protocol: 'autoconfig',
  name,
  render: () => renderAutoconfig(settings(), config.provider),
});

const AUTOCONFIG_CASES: readonly GoldenCase[] = [
  autoconfig('pop-access', () => mailboxSettings(POP_USER, { accessType: 'pop' })),
  autoconfig('business-mail', () => mailboxSettings(BUSINESS_USER, { accessType: 'business' })),
  autoconfig('unknown-mailbox-pop-domain', () => mailboxSettings(UNKNOWN_AT_POP_DOMAIN, { accessType: 'pop' })),
  autoconfig('unknown-mailbox-business-domain', () =>
    mailboxSettings(UNKNOWN_AT_BUSINESS_DOMAIN, { accessType: 'business' }),
  ),
  // No emailaddress parameter: the domain's settings, with %EMAILADDRESS% for Thunderbird to fill in.
  autoconfig('placeholders-pop-domain', () => domainSettings('example.com', 'pop')),
  autoconfig('placeholders-business-domain', () => domainSettings('example.org', 'business')),
  autoconfig('pop3-preferred', () => mailboxSettings(POP_USER, { accessType: 'pop', config: CONFIGS.pop3Preferred })),
  // Display names never reach autoconfig: the same file as pop-access, proving nothing leaks.
  autoconfig('pop-access-display-name-revealed', () =>
    mailboxSettings(POP_USER, { accessType: 'pop', displayName: HOSTILE_DISPLAY_NAME }),
  ),
  autoconfig('idn-domain', () => mailboxSettings(IDN_USER, { accessType: 'pop' })),
  autoconfig(
    'other-provider-pop-access',
    () => mailboxSettings(POP_USER, { accessType: 'pop', config: CONFIGS.otherProvider }),
    CONFIGS.otherProvider,
  ),
  autoconfig(
    'other-provider-business-mail',
    () => mailboxSettings(BUSINESS_USER, { accessType: 'business', config: CONFIGS.otherProvider }),
    CONFIGS.otherProvider,
  ),
  autoconfig('platform-business-mail', () => mailboxSettings(HOSTING02_USER, ON_HOSTING02)),
  autoconfig('platform-pop-access', () => mailboxSettings(MAIL2_USER, ON_MAIL2)),
  autoconfig('platform-placeholders-pop-domain', () =>
    domainSettings(MAIL2_DOMAIN, 'pop', BASE_CONFIG, ON_MAIL2.platform),
  ),
  autoconfig('platform-placeholders-business-domain', () =>
    domainSettings(HOSTING02_DOMAIN, 'business', BASE_CONFIG, ON_HOSTING02.platform),
  ),
  // autoconfig.<provider domain> without emailaddress (Thunderbird for Android's MX step): POP access.
  autoconfig('provider-wide', () => providerWideSettings(BASE_CONFIG)),
  autoconfig('other-provider-provider-wide', () => providerWideSettings(CONFIGS.otherProvider), CONFIGS.otherProvider),
];

/** The answer for the first of the provider's own domains, as the autoconfig router resolves it. */
function providerWideSettings(config: AppConfig): MailSettings {
  const [domain] = config.provider.autoconfigDomains;
  const settings =
    domain === undefined ? undefined : providerWideSettingsOf(buildProviderProfile(config), [domain]).get(domain);
  if (settings === undefined) throw new Error('golden case config lists no provider domain');
  return settings;
}

// ---- Apple configuration profiles --------------------------------------------------------------

const profile = (
  name: string,
  address: string,
  answer: MailboxAnswer,
  platform: ApplePlatform = 'ios',
): GoldenCase => ({
  protocol: 'mobileconfig',
  name,
  render: () => renderProfileFor(address, answer, platform),
});

const MOBILECONFIG_CASES: readonly GoldenCase[] = [
  profile('pop-access', POP_USER, { accessType: 'pop' }),
  profile('business-mail', BUSINESS_USER, { accessType: 'business' }),
  profile('unknown-mailbox-pop-domain', UNKNOWN_AT_POP_DOMAIN, { accessType: 'pop' }),
  profile('unknown-mailbox-business-domain', UNKNOWN_AT_BUSINESS_DOMAIN, { accessType: 'business' }),
  profile('pop3-preferred', POP_USER, { accessType: 'pop', config: CONFIGS.pop3Preferred }),
  profile('pop-access-display-name-escaped', POP_USER, { accessType: 'pop', displayName: HOSTILE_DISPLAY_NAME }),
  profile('idn-domain-pop-access', IDN_USER, { accessType: 'pop' }),
  profile('idn-domain-business-mail', IDN_USER, { accessType: 'business' }),
  profile('local-part-with-symbols', SYMBOL_USER, { accessType: 'pop' }),
  profile('other-provider-pop-access', POP_USER, { accessType: 'pop', config: CONFIGS.otherProvider }),
  profile('other-provider-business-mail', BUSINESS_USER, { accessType: 'business', config: CONFIGS.otherProvider }),
  // platform=macos: Business Mail gets the Mac's Exchange (EWS) payload; POP access is the same file as for iOS.
  profile('business-mail-macos', BUSINESS_USER, { accessType: 'business' }, 'macos'),
  profile('pop-access-macos', POP_USER, { accessType: 'pop' }, 'macos'),
  profile(
    'other-provider-business-mail-macos',
    BUSINESS_USER,
    { accessType: 'business', config: CONFIGS.otherProvider },
    'macos',
  ),
  profile('platform-business-mail', HOSTING02_USER, ON_HOSTING02),
  profile('platform-business-mail-macos', HOSTING02_USER, ON_HOSTING02, 'macos'),
  profile('platform-pop-access', MAIL2_USER, ON_MAIL2),
];

// ---- Signed Apple profiles --------------------------------------------------------------------

/** The century-long test PKI of test/fixtures/profile-signing (its README says how it was made). */
export const GOLDEN_SIGNING_FOLDER = path.join(__dirname, '../fixtures/profile-signing');

function goldenSigningCredentials(): SigningCredentials {
  const loaded = loadSigningCredentials({
    certFile: path.join(GOLDEN_SIGNING_FOLDER, 'signer.pem'),
    keyFile: path.join(GOLDEN_SIGNING_FOLDER, 'signer.key'),
    chainFile: path.join(GOLDEN_SIGNING_FOLDER, 'intermediate.pem'),
  });
  if (!loaded.ok) throw new Error(loaded.error.join('\n'));
  return loaded.value;
}

/** Which unsigned golden profile each signed case wraps. */
export const SIGNED_PROFILE_CONTENT: Readonly<
  Record<string, { readonly profile: string; readonly render: () => string }>
> = {
  'business-mail': {
    profile: 'business-mail',
    render: () => renderProfileFor(BUSINESS_USER, { accessType: 'business' }),
  },
  'business-mail-macos': {
    profile: 'business-mail-macos',
    render: () => renderProfileFor(BUSINESS_USER, { accessType: 'business' }, 'macos'),
  },
  'platform-business-mail': {
    profile: 'platform-business-mail',
    render: () => renderProfileFor(HOSTING02_USER, ON_HOSTING02),
  },
  'platform-pop-access': {
    profile: 'platform-pop-access',
    render: () => renderProfileFor(MAIL2_USER, ON_MAIL2),
  },
};

/** The signed profile's bytes (DER), as the service sends them with the golden test certificates. */
export function signedProfileBytes(name: string): Buffer {
  const content = SIGNED_PROFILE_CONTENT[name];
  if (content === undefined) throw new Error(`no signed golden case ${name}`);
  return signProfile(Buffer.from(content.render(), 'utf8'), goldenSigningCredentials());
}

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * A signed profile's structure as node-forge reads it back: the certificates it carries, the content
 * it wraps (which golden profile, and its digest) and the digest of the whole DER, so the bytes are
 * pinned too (no signing time: they are stable). golden-files.test.ts checks the rest with openssl.
 */
function describeSignedProfile(name: string): string {
  const der = signedProfileBytes(name);
  const message = forge.pkcs7.messageFromAsn1(forge.asn1.fromDer(der.toString('binary')));
  if (!('certificates' in message)) throw new Error('expected SignedData');
  const contentInfo: unknown = message.rawCapture;
  const content = attachedContentOf(contentInfo);
  return `${JSON.stringify(
    {
      format: 'CMS SignedData, DER, content attached (application/x-apple-aspen-config)',
      certificates: message.certificates.map((certificate) => ({
        subject: nameOf(certificate.subject),
        issuer: nameOf(certificate.issuer),
      })),
      content: {
        goldenFile: `mobileconfig/${SIGNED_PROFILE_CONTENT[name]?.profile ?? ''}.mobileconfig`,
        sha256: sha256Of(content),
      },
      der: { bytes: der.length, sha256: sha256Of(der) },
    },
    null,
    2,
  )}\n`;
}

/** The attached content: SignedData's encapsulated ContentInfo, [0] EXPLICIT OCTET STRING (RFC 5652 §5.2). */
function attachedContentOf(captured: unknown): Buffer {
  const explicitWrapper = fieldOf(captured, 'content');
  const children = fieldOf(explicitWrapper, 'value');
  const octetString: unknown = Array.isArray(children) ? children[0] : undefined;
  const octets = fieldOf(octetString, 'value');
  if (typeof octets !== 'string') throw new Error('the signed profile has no attached content');
  return Buffer.from(octets, 'binary');
}

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Readonly<Record<string, unknown>>)[key] : undefined;
}

const MOBILECONFIG_SIGNED_CASES: readonly GoldenCase[] = Object.keys(SIGNED_PROFILE_CONTENT).map((name) => ({
  protocol: 'mobileconfig-signed',
  name,
  render: () => describeSignedProfile(name),
}));
// ---- PACC --------------------------------------------------------------------------------------

/** The document a POP access domain serves on ua-auto-config.<domain>; refusals are no document. */
const pacc = (
  name: string,
  domain: string,
  config: AppConfig = BASE_CONFIG,
  platform?: DomainPlatform,
): GoldenCase => ({
  protocol: 'pacc',
  name,
  render: () => {
    const rendering = renderPaccDocument(domainSettings(domain, 'pop', config, platform), config.provider);
    if (rendering.kind !== 'document') throw new Error(`golden case pacc/${name} renders no document`);
    return rendering.body;
  },
});

const PACC_CASES: readonly GoldenCase[] = [
  pacc('pop-access-domain', 'example.com'),
  // The document names no domain: an IDN domain serves the same bytes.
  pacc('idn-domain', 'bücher.example'),
  pacc('pop3-preferred', 'example.com', CONFIGS.pop3Preferred),
  pacc('only-implicit-tls-servers', 'example.com', CONFIGS.mixedTls),
  pacc('long-provider-names', 'example.com', CONFIGS.longProviderNames),
  pacc('platform-pop-domain', MAIL2_DOMAIN, BASE_CONFIG, ON_MAIL2.platform),
];

export const GOLDEN_CASES: readonly GoldenCase[] = [
  ...OUTLOOK_CASES,
  ...MOBILESYNC_CASES,
  ...JSON_CASES,
  ...SOAP_CASES,
  ...AUTOCONFIG_CASES,
  ...MOBILECONFIG_CASES,
  ...MOBILECONFIG_SIGNED_CASES,
  ...PACC_CASES,
];

/** test/golden/<protocol>/<name>.<ext>, relative to test/golden/. */
export function goldenPathOf(goldenCase: Pick<GoldenCase, 'protocol' | 'name'>): string {
  return `${goldenCase.protocol}/${goldenCase.name}.${GOLDEN_EXTENSION[goldenCase.protocol]}`;
}
