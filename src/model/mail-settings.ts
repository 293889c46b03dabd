import type { AccessType } from './access-type';
import type { EmailAddress } from './email-address';

/**
 * The one internal vocabulary for mail settings. Each protocol module translates it with its own
 * table (Outlook `Encryption`, Thunderbird `socketType`, Apple `UseSSL`); vendor words never appear here.
 */
export type IncomingProtocol = 'imap' | 'pop3';
/** `tls` is implicit TLS from the first byte (993/995/465); `starttls` upgrades a plain connection (143/110/587). */
export type SocketType = 'tls' | 'starttls';

export interface MailServer {
  readonly host: string;
  readonly port: number;
  readonly socket: SocketType;
}

export interface IncomingServer extends MailServer {
  readonly protocol: IncomingProtocol;
}

/** At least one: the config refuses an empty server list, so no renderer has to handle one. */
export type NonEmptyList<T> = readonly [T, ...T[]];

/** The address, or null when a client asked for a domain's settings only (Thunderbird autoconfig). */
export type UserAddress = EmailAddress | null;

/** Who the settings are for; `Address` says whether the address is known to be present. */
export interface MailUser<Address extends UserAddress = UserAddress> {
  readonly address: Address;
  /** ASCII form of the hosted domain. */
  readonly domain: string;
  /** Only set when config allows revealing directory display names to anonymous callers. */
  readonly displayName: string | null;
}

export interface PopAccessSettings<Address extends UserAddress = UserAddress> {
  readonly accessType: 'pop';
  readonly user: MailUser<Address>;
  /** Login for incoming and outgoing servers alike; null means "the address the user typed". */
  readonly username: string | null;
  /** Preferred protocol first. */
  readonly incoming: NonEmptyList<IncomingServer>;
  /** Preferred submission server first; every one requires authentication with the incoming login. */
  readonly outgoing: NonEmptyList<MailServer>;
  readonly leaveMessagesOnServer: boolean;
  readonly daysToLeaveMessagesOnServer: number;
}

export interface ExchangeEndpoints {
  /** The Exchange front end ("Web Access" host), e.g. `mamutmail.com`. */
  readonly host: string;
  readonly owaUrl: string;
  readonly ewsUrl: string;
  readonly activeSyncUrl: string;
}

export interface BusinessMailSettings<Address extends UserAddress = UserAddress> {
  readonly accessType: 'business';
  readonly user: MailUser<Address>;
  /** Login for desktop clients (the full address); null means "the address the user typed". */
  readonly username: string | null;
  /** Login on phones (iPhone, Android, Symbian): the seed's `@` → `_` rule applied. */
  readonly mobileUsername: string | null;
  /** Windows domain, for the clients that ask for one. */
  readonly windowsDomain: string;
  readonly exchange: ExchangeEndpoints;
  /** Hand Outlook to the Exchange platform's own Autodiscover instead of the static answer. */
  readonly outlookRedirectUrl: string | null;
  /** SOAP Autodiscover `ActiveDirectoryServer` (a global catalog host), when the platform names one. */
  readonly activeDirectoryServer: string | null;
  /** Thunderbird insists on an outgoing server even for Exchange accounts. */
  readonly outgoing: NonEmptyList<MailServer>;
}

export type MailSettings<Address extends UserAddress = UserAddress> =
  PopAccessSettings<Address> | BusinessMailSettings<Address>;

/** Settings for a mailbox the client named (every protocol but domain-only autoconfig). */
export type AddressedMailSettings = MailSettings<EmailAddress>;

export type { AccessType };
