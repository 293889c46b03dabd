import type { AccessType } from './access-type';
import type { EmailAddress } from './email-address';
import type { ExchangeEndpoints, IncomingServer, MailServer, MailSettings, MailUser } from './mail-settings';

/** The provider's fixed facts, computed once from config at start-up. */
export interface ProviderProfile {
  readonly popAccess: {
    /** Preferred protocol first. */
    readonly incoming: readonly IncomingServer[];
    readonly outgoing: readonly MailServer[];
    readonly leaveMessagesOnServer: boolean;
    readonly daysToLeaveMessagesOnServer: number;
  };
  readonly businessMail: {
    readonly exchange: ExchangeEndpoints;
    readonly windowsDomain: string;
    readonly mobileUsername: 'underscore' | 'address';
    readonly outlookRedirectUrl: string | null;
    readonly outgoing: readonly MailServer[];
  };
}

/** Who asked and what the directory said about them. */
export interface ResolveInput {
  readonly accessType: AccessType;
  readonly domain: string;
  readonly address: EmailAddress | null;
  readonly displayName: string | null;
}

/** Turns a directory answer into the settings every renderer reads. Pure. */
export function resolveSettings(profile: ProviderProfile, input: ResolveInput): MailSettings {
  const user: MailUser = { address: input.address, domain: input.domain, displayName: input.displayName };
  // The provider's help: "the username is the full email address".
  const username = input.address?.address ?? null;
  switch (input.accessType) {
    case 'pop':
      return { accessType: 'pop', user, username, ...profile.popAccess };
    case 'business': {
      const business = profile.businessMail;
      return {
        accessType: 'business',
        user,
        username,
        mobileUsername: username === null ? null : mobileUsernameOf(username, business.mobileUsername),
        windowsDomain: business.windowsDomain,
        exchange: business.exchange,
        outlookRedirectUrl: business.outlookRedirectUrl,
        outgoing: business.outgoing,
      };
    }
  }
}

/** "On iPhone, Android and Symbian the @ in the username becomes _" (mail_domain.com). */
export function mobileUsernameOf(address: string, style: 'underscore' | 'address'): string {
  if (style === 'address') return address;
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}_${address.slice(at + 1)}`;
}
