import type { AccessType } from './access-type';
import type {
  ExchangeEndpoints,
  IncomingServer,
  MailServer,
  MailSettings,
  MailUser,
  NonEmptyList,
  UserAddress,
} from './mail-settings';

/**
 * The provider's fixed facts, computed once from config at start-up; a domain on a platform of its
 * own gets them with its platform laid over (model/platform.ts).
 */
export interface ProviderProfile {
  readonly popAccess: {
    /** Preferred protocol first. */
    readonly incoming: NonEmptyList<IncomingServer>;
    readonly outgoing: NonEmptyList<MailServer>;
    readonly leaveMessagesOnServer: boolean;
    readonly daysToLeaveMessagesOnServer: number;
  };
  readonly businessMail: {
    readonly exchange: ExchangeEndpoints;
    readonly windowsDomain: string;
    readonly mobileUsername: 'underscore' | 'address';
    readonly outlookRedirectUrl: string | null;
    readonly activeDirectoryServer: string | null;
    readonly outgoing: NonEmptyList<MailServer>;
  };
}

/** Who asked and what the directory said about them. */
export interface ResolveInput<Address extends UserAddress = UserAddress> {
  readonly accessType: AccessType;
  readonly domain: string;
  readonly address: Address;
  readonly displayName: string | null;
}

/** Turns a directory answer into the settings every renderer reads. Pure. */
export function resolveSettings<Address extends UserAddress>(
  profile: ProviderProfile,
  input: ResolveInput<Address>,
): MailSettings<Address> {
  const user: MailUser<Address> = { address: input.address, domain: input.domain, displayName: input.displayName };
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
        activeDirectoryServer: business.activeDirectoryServer,
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
