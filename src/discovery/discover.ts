import { DirectoryUnavailableError, type AccountDirectory } from '../directory/account-directory';
import type { EmailAddress } from '../model/email-address';
import type { MailSettings } from '../model/mail-settings';
import { resolveSettings, type ProviderProfile } from '../model/resolve';

/** A mailbox, or only a domain (Thunderbird autoconfig without `emailaddress`). */
export type DiscoveryTarget = { readonly address: EmailAddress } | { readonly domain: string };

/**
 * What every protocol maps to its own answer: settings, a domain this service does not host, or a
 * directory that cannot answer now (the protocol's temporary error).
 */
export type Discovery =
  | { readonly status: 'settings'; readonly settings: MailSettings }
  | { readonly status: 'not-hosted' }
  | { readonly status: 'unavailable' };

export type Discover = (target: DiscoveryTarget) => Promise<Discovery>;

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
  return async (target) => {
    const address = 'address' in target ? target.address : null;
    const domain = address?.domain ?? ('domain' in target ? target.domain : '');
    let answer;
    try {
      answer = await directory.lookup({ domain, address: address?.lookupKey ?? null });
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) options.onUnexpectedError(error);
      return { status: 'unavailable' };
    }
    if (!answer.hosted) return { status: 'not-hosted' };
    const settings = resolveSettings(profile, {
      accessType: answer.accessType,
      domain,
      address,
      displayName: options.revealDisplayNames ? answer.displayName : null,
    });
    return { status: 'settings', settings };
  };
}
