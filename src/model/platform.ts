import type { IncomingProtocol, IncomingServer, MailServer, NonEmptyList } from './mail-settings';
import type { ProviderProfile } from './resolve-settings';

/**
 * A domain's own platform: the provider values that differ for the domains hosted on it (a second
 * Exchange cluster with its own host and Windows domain, another POP/IMAP host). Every key is
 * optional; a key left out keeps the provider-wide value of the same key (docs/protocols.md §14).
 * Validated by config/platform-schema.ts wherever it comes from (account file, PostgreSQL, HTTP
 * directory, Redis cache).
 */
export interface DomainPlatform {
  /** A label for logs and `check` ("hosting02"); never sent to clients. */
  readonly name: string;
  readonly popAccess?: PopAccessOverrides | undefined;
  readonly businessMail?: BusinessMailOverrides | undefined;
}

export interface PopAccessOverrides {
  readonly preferredIncoming?: IncomingProtocol | undefined;
  readonly imap?: MailServer | undefined;
  readonly pop3?: MailServer | undefined;
  readonly smtp?: NonEmptyList<MailServer> | undefined;
  readonly leaveMessagesOnServer?: boolean | undefined;
  readonly daysToLeaveMessagesOnServer?: number | undefined;
}

export interface BusinessMailOverrides {
  readonly host?: string | undefined;
  readonly owaUrl?: string | undefined;
  readonly ewsUrl?: string | undefined;
  readonly activeSyncUrl?: string | undefined;
  readonly windowsDomain?: string | undefined;
  readonly mobileUsername?: 'underscore' | 'address' | undefined;
  /** With "redirect", outlookRedirectUrl is required (the schema checks it). */
  readonly outlookMode?: 'settings' | 'redirect' | undefined;
  readonly outlookRedirectUrl?: string | undefined;
  /** null: none, even where the provider-wide config names one. */
  readonly activeDirectoryServer?: string | null | undefined;
  readonly smtp?: NonEmptyList<MailServer> | undefined;
}

/**
 * The provider-wide profile with a domain's platform laid over it, key by key. Pure; discover()
 * calls it once per distinct platform and keeps the result (discovery/discover.ts).
 */
export function applyPlatform(profile: ProviderProfile, platform: DomainPlatform): ProviderProfile {
  return {
    popAccess: popAccessOf(profile.popAccess, platform.popAccess),
    businessMail: businessMailOf(profile.businessMail, platform.businessMail),
  };
}

function popAccessOf(
  base: ProviderProfile['popAccess'],
  overrides: PopAccessOverrides | undefined,
): ProviderProfile['popAccess'] {
  if (overrides === undefined) return base;
  const serverOf = (protocol: IncomingProtocol): IncomingServer => {
    const own = overrides[protocol];
    if (own !== undefined) return { protocol, host: own.host, port: own.port, socket: own.socket };
    // The provider profile offers both protocols; the find is only for the type checker.
    return base.incoming.find((server) => server.protocol === protocol) ?? { ...base.incoming[0], protocol };
  };
  const imap = serverOf('imap');
  const pop3 = serverOf('pop3');
  const preferred = overrides.preferredIncoming ?? base.incoming[0].protocol;
  return {
    incoming: preferred === 'imap' ? [imap, pop3] : [pop3, imap],
    outgoing: overrides.smtp ?? base.outgoing,
    leaveMessagesOnServer: overrides.leaveMessagesOnServer ?? base.leaveMessagesOnServer,
    daysToLeaveMessagesOnServer: overrides.daysToLeaveMessagesOnServer ?? base.daysToLeaveMessagesOnServer,
  };
}

function businessMailOf(
  base: ProviderProfile['businessMail'],
  overrides: BusinessMailOverrides | undefined,
): ProviderProfile['businessMail'] {
  if (overrides === undefined) return base;
  return {
    exchange: {
      host: overrides.host ?? base.exchange.host,
      owaUrl: overrides.owaUrl ?? base.exchange.owaUrl,
      ewsUrl: overrides.ewsUrl ?? base.exchange.ewsUrl,
      activeSyncUrl: overrides.activeSyncUrl ?? base.exchange.activeSyncUrl,
    },
    windowsDomain: overrides.windowsDomain ?? base.windowsDomain,
    mobileUsername: overrides.mobileUsername ?? base.mobileUsername,
    outlookRedirectUrl:
      overrides.outlookMode === undefined
        ? base.outlookRedirectUrl
        : overrides.outlookMode === 'redirect'
          ? (overrides.outlookRedirectUrl ?? null)
          : null,
    activeDirectoryServer:
      overrides.activeDirectoryServer === undefined ? base.activeDirectoryServer : overrides.activeDirectoryServer,
    outgoing: overrides.smtp ?? base.outgoing,
  };
}

/** The platform's overridden keys as `section.key` paths with their values, for `check` and logs. */
export function overriddenValues(platform: DomainPlatform): ReadonlyArray<readonly [string, unknown]> {
  return [
    ...Object.entries(platform.popAccess ?? {}).map(([key, value]) => [`popAccess.${key}`, value] as const),
    ...Object.entries(platform.businessMail ?? {}).map(([key, value]) => [`businessMail.${key}`, value] as const),
  ];
}
