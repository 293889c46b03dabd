import type { EmailAddress } from '../../model/email-address';
import type { BusinessMailSettings, MailSettings } from '../../model/mail-settings';
import { renderXmlDocument, type XmlElement } from '../../xml/render-xml-document';
import {
  AUTODISCOVER_SOAP_NAMESPACE,
  SOAP_ENVELOPE_NAMESPACE,
  SOAP_FAULT_ACTION,
  WS_ADDRESSING_NAMESPACE,
  XML_SCHEMA_INSTANCE_NAMESPACE,
  responseActionOf,
  type SoapOperation,
} from './paths';
import { DOMAIN_SETTING_NAMES, USER_SETTING_NAMES } from './setting-names';

/** ErrorCode values this service sends ([MS-OXWSADISC] ErrorCode; docs/protocols.md §11.4). */
export type SoapErrorCode =
  | 'NoError'
  | 'InvalidUser'
  | 'InvalidRequest'
  | 'InvalidSetting'
  | 'SettingIsNotAvailable'
  | 'ServerBusy'
  | 'InvalidDomain';

/** What one user (or domain) is answered: its settings, or an error in its place. */
export type SoapSubjectAnswer<Settings> =
  | { readonly kind: 'settings'; readonly settings: Settings }
  | { readonly kind: 'error'; readonly errorCode: SoapErrorCode; readonly errorMessage: string };

export type UserAnswer = SoapSubjectAnswer<BusinessMailSettings<EmailAddress>>;
export type DomainAnswer = SoapSubjectAnswer<MailSettings<null>>;

/** `ServerVersionInfo/Version`: the SOAP Autodiscover schema version whose operations we answer. */
export const SERVER_PROTOCOL_VERSION = 'Exchange2010';

/** A setting's value: a `StringSetting`, or a `WebClientUrlCollectionSetting` (the OWA URLs). */
type SettingValue =
  | { readonly type: 'StringSetting'; readonly value: string }
  | {
      readonly type: 'WebClientUrlCollectionSetting';
      readonly urls: readonly { readonly authenticationMethods: string; readonly url: string }[];
    };

/** Booleans are written as .NET writes them, which is what Exchange sends. */
const TRUE = 'True';
/** Outlook Anywhere with Basic authentication, as the POX EXPR answer says (docs/protocols.md §3.3). */
const MAILBOX_SERVER_AUTHENTICATION = 'Basic';
/** The POX WEB answer's OWA methods (docs/protocols.md §3.3). */
const OWA_AUTHENTICATION = 'Basic, Fba';

/**
 * The Business Mail user settings we have a value for; every other known name is SettingIsNotAvailable.
 * Internal and external URLs are the same: the platform is reached over the internet from everywhere.
 */
function userSettingValue(name: string, settings: BusinessMailSettings<EmailAddress>): SettingValue | null {
  const { exchange, user } = settings;
  const text = (value: string | null): SettingValue | null =>
    value === null ? null : { type: 'StringSetting', value };
  switch (name) {
    case 'UserDisplayName':
      // Null unless privacy.revealDisplayNames allows it (discover leaves it out otherwise).
      return text(user.displayName);
    case 'AutoDiscoverSMTPAddress':
      return text(user.address.address);
    case 'ExternalEwsUrl':
    case 'InternalEwsUrl':
      return text(exchange.ewsUrl);
    case 'ExternalMailboxServer':
      return text(exchange.host);
    case 'ExternalMailboxServerRequiresSSL':
      return text(TRUE);
    case 'ExternalMailboxServerAuthenticationMethods':
      return text(MAILBOX_SERVER_AUTHENTICATION);
    case 'ExternalWebClientUrls':
    case 'InternalWebClientUrls':
      return {
        type: 'WebClientUrlCollectionSetting',
        urls: [{ authenticationMethods: OWA_AUTHENTICATION, url: exchange.owaUrl }],
      };
    case 'ActiveDirectoryServer':
      // Only when the platform names one (businessMail.activeDirectoryServer, or the domain's platform).
      return text(settings.activeDirectoryServer);
    default:
      return null;
  }
}

const INVALID_SETTING_MESSAGE = 'This is not a setting name this service knows.';

/**
 * `GetUserSettingsResponseMessage` ([MS-OXWSADISC] 3.1.4.4): one `UserResponse` per requested user, in
 * request order, each with the requested settings we have and a `UserSettingError` for each other name.
 */
export function renderGetUserSettingsResponse(users: readonly UserAnswer[], requested: readonly string[]): string {
  const userResponses = users.map((user) => {
    if (user.kind === 'error') return subjectResponse(user.errorCode, user.errorMessage, 'User', [], []);
    const values: XmlElement[] = [];
    const errors: XmlElement[] = [];
    for (const name of requested) {
      const value = USER_SETTING_NAMES.has(name) ? userSettingValue(name, user.settings) : null;
      if (value !== null) values.push(settingElement(name, value));
      else errors.push(settingError(name, USER_SETTING_NAMES.has(name), 'user'));
    }
    return subjectResponse('NoError', 'No error.', 'User', errors, values);
  });
  return responseDocument('GetUserSettings', {
    ErrorCode: 'NoError',
    ErrorMessage: '',
    UserResponses: { UserResponse: userResponses },
  });
}

/**
 * `GetDomainSettingsResponseMessage` ([MS-OXWSADISC] 3.1.4.1): a hosted domain whose mailboxes are
 * Business Mail by default has the platform's EWS URL; a POP access domain has no EWS to name.
 */
export function renderGetDomainSettingsResponse(
  domains: readonly DomainAnswer[],
  requested: readonly string[],
): string {
  const domainResponses = domains.map((domain) => {
    if (domain.kind === 'error') return subjectResponse(domain.errorCode, domain.errorMessage, 'Domain', [], []);
    const values: XmlElement[] = [];
    const errors: XmlElement[] = [];
    for (const name of requested) {
      const ewsUrl = domain.settings.accessType === 'business' ? domain.settings.exchange.ewsUrl : null;
      if (name === 'ExternalEwsUrl' && ewsUrl !== null) {
        values.push({ '@_i:type': 'DomainStringSetting', Name: name, Value: ewsUrl });
      } else errors.push(settingError(name, DOMAIN_SETTING_NAMES.has(name), 'domain'));
    }
    return subjectResponse('NoError', 'No error.', 'Domain', errors, values);
  });
  return responseDocument('GetDomainSettings', {
    ErrorCode: 'NoError',
    ErrorMessage: '',
    DomainResponses: { DomainResponse: domainResponses },
  });
}

/** The operation's own response with a request-level ErrorCode (InvalidRequest) and no per-user answers. */
export function renderSoapRequestError(operation: SoapOperation, errorCode: SoapErrorCode, message: string): string {
  const collection = operation === 'GetUserSettings' ? 'UserResponses' : 'DomainResponses';
  return responseDocument(operation, { ErrorCode: errorCode, ErrorMessage: message, [collection]: '' });
}

/** SOAP 1.1 fault codes we send (SOAP 1.1 §4.4.1), and WS-Addressing's for an unknown action. */
export type SoapFaultCode = 'Client' | 'Server' | 'VersionMismatch' | 'ActionNotSupported';

/**
 * A SOAP 1.1 `Fault` (SOAP 1.1 §4.4): for what is not an Autodiscover request we can answer in the
 * operation's own response (not SOAP at all, another SOAP version, an operation we do not offer),
 * for a refused body, and for the rate limit.
 */
export function renderSoapFault(code: SoapFaultCode, message: string): string {
  return renderXmlDocument({
    's:Envelope': {
      '@_xmlns:s': SOAP_ENVELOPE_NAMESPACE,
      '@_xmlns:a': WS_ADDRESSING_NAMESPACE,
      's:Header': { 'a:Action': { '@_s:mustUnderstand': '1', '#text': SOAP_FAULT_ACTION } },
      's:Body': {
        's:Fault': {
          faultcode: code === 'ActionNotSupported' ? `a:${code}` : `s:${code}`,
          faultstring: { '@_xml:lang': 'en-US', '#text': message },
        },
      },
    },
  });
}

/** The element order Exchange writes: ErrorCode, ErrorMessage, RedirectTarget, …SettingErrors, …Settings. */
function subjectResponse(
  errorCode: SoapErrorCode,
  errorMessage: string,
  subject: 'User' | 'Domain',
  errors: readonly XmlElement[],
  values: readonly XmlElement[],
): XmlElement {
  return {
    ErrorCode: errorCode,
    ErrorMessage: errorMessage,
    RedirectTarget: { '@_i:nil': 'true' },
    [`${subject}SettingErrors`]: errors.length === 0 ? '' : { [`${subject}SettingError`]: errors },
    [`${subject}Settings`]: values.length === 0 ? '' : { [`${subject}Setting`]: values },
  };
}

function settingElement(name: string, value: SettingValue): XmlElement {
  if (value.type === 'StringSetting') return { '@_i:type': value.type, Name: name, Value: value.value };
  return {
    '@_i:type': value.type,
    Name: name,
    WebClientUrls: {
      WebClientUrl: value.urls.map((url) => ({ AuthenticationMethods: url.authenticationMethods, Url: url.url })),
    },
  };
}

function settingError(name: string, known: boolean, subject: 'user' | 'domain'): XmlElement {
  return known
    ? {
        ErrorCode: 'SettingIsNotAvailable',
        ErrorMessage: `This setting is not available for this ${subject}.`,
        SettingName: name,
      }
    : { ErrorCode: 'InvalidSetting', ErrorMessage: INVALID_SETTING_MESSAGE, SettingName: name };
}

/**
 * The envelope every operation's response has, as Exchange writes it: the WS-Addressing `Action`
 * and `ServerVersionInfo` headers (ews-javascript-api and the EWS Managed API read the latter and
 * fail without it), then the response message in the Autodiscover namespace.
 */
function responseDocument(operation: SoapOperation, response: XmlElement): string {
  return renderXmlDocument({
    's:Envelope': {
      '@_xmlns:s': SOAP_ENVELOPE_NAMESPACE,
      '@_xmlns:a': WS_ADDRESSING_NAMESPACE,
      's:Header': {
        'a:Action': { '@_s:mustUnderstand': '1', '#text': responseActionOf(operation) },
        'h:ServerVersionInfo': {
          '@_xmlns:h': AUTODISCOVER_SOAP_NAMESPACE,
          // The protocol level this service implements: the Exchange 2010 operations (docs/protocols.md §11.3).
          'h:Version': SERVER_PROTOCOL_VERSION,
        },
      },
      's:Body': {
        [`${operation}ResponseMessage`]: {
          '@_xmlns': AUTODISCOVER_SOAP_NAMESPACE,
          Response: { '@_xmlns:i': XML_SCHEMA_INSTANCE_NAMESPACE, ...response },
        },
      },
    },
  });
}
