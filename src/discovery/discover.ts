import { DirectoryUnavailableError, type AccountDirectory } from '../directory/account-directory';
import type { EmailAddress } from '../model/email-address';
import type { MailSettings, UserAddress } from '../model/mail-settings';
import { resolveSettings, type ProviderProfile } from '../model/resolve-settings';

/**
 * What a client asked about: always a domain, and the mailbox when it named one (Thunderbird
 * autoconfig without `emailaddress` names none). `Address` says which, so settings say it too.
 */
export interface DiscoveryTarget<Address extends UserAddress = UserAddress> {
  readonly domain: string;
  readonly address: Address;
}

export function addressTarget(address: EmailAddress): DiscoveryTarget<EmailAddress> {
  return { domain: address.domain, address };
}

export function domainTarget(domain: string): DiscoveryTarget<null> {
  return { domain, address: null };
}

/**
 * What every protocol maps to its own answer: settings, a domain this service does not host, or a
 * directory that cannot answer now (the protocol's temporary error).
 */
export type Discovery<Settings = MailSettings> =
  | { readonly status: 'settings'; readonly settings: Settings }
  | { readonly status: 'not-hosted' }
  | { readonly status: 'unavailable' };

/** Settings for an address carry that address (`MailSettings<EmailAddress>`); for a domain, none. */
export type Discover = <Address extends UserAddress>(
  target: DiscoveryTarget<Address>,
) => Promise<Discovery<MailSettings<Address>>>;

export interface DiscoveryOptions {
  readonly revealDisplayNames: boolean;
  /** A lookup failed with something other than DirectoryUnavailableError: a bug, logged as one. */
  readonly onUnexpectedError: (error: unknown) => void;
}

/**
 * The middle of every request: address → directory → settings. Protocol modules call this and
 * render. It never throws: any lookup failure becomes `unavailable` (outages are logged once by
 * the directory wrapper; other errors go to onUnexpectedError).
 */
export function createDiscover(
  directory: AccountDirectory,
  profile: ProviderProfile,
  options: DiscoveryOptions,
): Discover {
  return async <Address extends UserAddress>(
    target: DiscoveryTarget<Address>,
  ): Promise<Discovery<MailSettings<Address>>> => {
    let answer;
    try {
      answer = await directory.lookup({ domain: target.domain, address: target.address?.lookupKey ?? null });
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) options.onUnexpectedError(error);
      return { status: 'unavailable' };
    }
    if (!answer.hosted) return { status: 'not-hosted' };
    const settings = resolveSettings(profile, {
      accessType: answer.accessType,
      domain: target.domain,
      address: target.address,
      displayName: options.revealDisplayNames ? answer.displayName : null,
    });
    return { status: 'settings', settings };
  };
}
