import plist, { type PlistObject, type PlistValue } from 'plist';
import { v5 as uuidV5 } from 'uuid';
import type { EmailAddress } from '../../model/email-address';
import type {
  AddressedMailSettings,
  BusinessMailSettings,
  MailServer,
  PopAccessSettings,
} from '../../model/mail-settings';
import { toXmlCharacters } from '../../xml/render-xml-document';
import type { ApplePlatform } from './platform';

/** The organisation a profile names as its issuer, and the identifier space its payloads live in. */
export interface AppleProfileIssuer {
  readonly name: string;
  /** Reverse-DNS prefix, e.g. `com.mamutmail.autoconfig`. */
  readonly payloadIdentifierPrefix: string;
}

const APPLE_ACCOUNT_TYPE = { imap: 'EmailTypeIMAP', pop3: 'EmailTypePOP' } as const;

/**
 * An unsigned configuration profile. Identifiers and UUIDs are derived from the issuer and the
 * address, so downloading again replaces the installed profile instead of adding a second account,
 * and the bytes are reproducible. Written by the plist library, which escapes every string.
 *
 * `platform` picks the Exchange payload of a Business Mail profile (docs/protocols.md §7.5); a POP
 * access profile is the same on both, as `com.apple.mail.managed` exists on both.
 */
export function renderAppleProfile(
  settings: AddressedMailSettings,
  issuer: AppleProfileIssuer,
  platform: ApplePlatform = 'ios',
): string {
  const address = settings.user.address;
  const identifier = `${issuer.payloadIdentifierPrefix}.${identifierPartOf(address)}`;
  const namespace = uuidV5(issuer.payloadIdentifierPrefix, uuidV5.DNS);
  const uuidOf = (purpose: string): string => uuidV5(`${address.lookupKey}/${purpose}`, namespace).toUpperCase();
  const payload =
    settings.accessType === 'pop'
      ? mailPayload(settings, address, `${identifier}.mail`, uuidOf('mail'))
      : platform === 'macos'
        ? exchangeWebServicesPayload(settings, address, `${identifier}.ews`, uuidOf('ews'))
        : exchangePayload(settings, address, `${identifier}.eas`, uuidOf('eas'));
  const profile: PlistObject = {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: identifier,
    PayloadUUID: uuidOf('profile'),
    PayloadDisplayName: `${issuer.name}: ${address.address}`,
    PayloadDescription: `Sets up the mail account ${address.address}. You will be asked for its password.`,
    PayloadOrganization: issuer.name,
    PayloadContent: [payload],
  };
  return plist.build(withXmlCharacters(profile), { indent: '  ', pretty: true });
}

/** plist's writer throws on characters XML forbids; they become U+FFFD, as in every XML answer. */
function withXmlCharacters(value: PlistValue): PlistValue {
  if (typeof value === 'string') return toXmlCharacters(value);
  if (Array.isArray(value)) return value.map(withXmlCharacters);
  if (typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withXmlCharacters(item)]));
  }
  return value;
}

function mailPayload(
  settings: PopAccessSettings,
  address: EmailAddress,
  identifier: string,
  uuid: string,
): PlistObject {
  // One incoming and one outgoing server per payload. iOS's handling of UseSSL on a STARTTLS port is
  // undocumented, so the first implicit-TLS submission server is preferred.
  const incoming = settings.incoming[0];
  const outgoing = settings.outgoing.find((server) => server.socket === 'tls') ?? settings.outgoing[0];
  const username = settings.username ?? address.address;
  return {
    PayloadType: 'com.apple.mail.managed',
    PayloadVersion: 1,
    PayloadIdentifier: identifier,
    PayloadUUID: uuid,
    PayloadDisplayName: 'Mail account',
    EmailAccountDescription: address.address,
    ...(settings.user.displayName === null ? {} : { EmailAccountName: settings.user.displayName }),
    EmailAccountType: APPLE_ACCOUNT_TYPE[incoming.protocol],
    EmailAddress: address.address,
    ...serverKeys('Incoming', incoming, username),
    ...serverKeys('Outgoing', outgoing, username),
    // SMTP logs in with the incoming credentials: one password prompt.
    OutgoingPasswordSameAsIncomingPassword: true,
  };
}

function serverKeys(direction: 'Incoming' | 'Outgoing', server: MailServer, username: string): PlistObject {
  return {
    [`${direction}MailServerHostName`]: server.host,
    [`${direction}MailServerPortNumber`]: server.port,
    [`${direction}MailServerUseSSL`]: true,
    [`${direction}MailServerAuthentication`]: 'EmailAuthPassword',
    [`${direction}MailServerUsername`]: username,
  };
}

function exchangePayload(
  settings: BusinessMailSettings,
  address: EmailAddress,
  identifier: string,
  uuid: string,
): PlistObject {
  return {
    PayloadType: 'com.apple.eas.account',
    PayloadVersion: 1,
    PayloadIdentifier: identifier,
    PayloadUUID: uuid,
    PayloadDisplayName: 'Exchange ActiveSync account',
    EmailAddress: address.address,
    Host: settings.exchange.host,
    SSL: true,
    // The provider's rule for iPhone: the username is the address with "@" replaced by "_".
    UserName: settings.mobileUsername ?? address.address,
  };
}

/**
 * The Mac's Exchange account (`com.apple.ews.account`; docs/protocols.md §7.5): the EWS endpoint as
 * host, port and path, and the desktop login (the full address), as Outlook and Thunderbird get it.
 * A hosted platform has one public endpoint, so the External* keys, which macOS tries when the
 * internal server cannot be reached, name the same one.
 */
function exchangeWebServicesPayload(
  settings: BusinessMailSettings,
  address: EmailAddress,
  identifier: string,
  uuid: string,
): PlistObject {
  const ews = new URL(settings.exchange.ewsUrl);
  // The config accepts https:// URLs only: the port is 443 unless the URL names another.
  const port = ews.port === '' ? 443 : Number(ews.port);
  return {
    PayloadType: 'com.apple.ews.account',
    PayloadVersion: 1,
    PayloadIdentifier: identifier,
    PayloadUUID: uuid,
    PayloadDisplayName: 'Exchange account',
    EmailAddress: address.address,
    Host: ews.hostname,
    Port: port,
    Path: ews.pathname,
    SSL: true,
    ExternalHost: ews.hostname,
    ExternalPort: port,
    ExternalPath: ews.pathname,
    ExternalSSL: true,
    UserName: settings.username ?? address.address,
  };
}

/**
 * `<domain>.<local part>` restricted to reverse-DNS characters. When the local part had to be
 * changed, a hash of the address keeps two such addresses from replacing each other's profile.
 */
function identifierPartOf(address: EmailAddress): string {
  const local = address.localPart.toLowerCase();
  const safeLocal = local.replace(/[^a-z0-9-]/g, '-');
  const suffix = safeLocal === local ? '' : `-${uuidV5(address.lookupKey, uuidV5.URL).slice(0, 8)}`;
  return `${address.domain}.${safeLocal}${suffix}`;
}
