import type { AccountDirectory } from '../directory/account-directory';
import type { EmailAddress } from '../model/email-address';
import type { MailSettings } from '../model/mail-settings';
import { resolveSettings, type ProviderProfile } from '../model/resolve';

/** A mailbox, or only a domain (Thunderbird autoconfig without `emailaddress`). */
export type DiscoveryTarget = { readonly address: EmailAddress } | { readonly domain: string };

export type Discovery = { readonly found: true; readonly settings: MailSettings } | { readonly found: false };

export type Discover = (target: DiscoveryTarget) => Promise<Discovery>;

export interface DiscoveryOptions {
  readonly revealDisplayNames: boolean;
}

/**
 * The middle of every request: address → directory → settings. Protocol modules call this and
 * render; it throws DirectoryUnavailableError when the directory cannot answer.
 */
export function createDiscover(directory: AccountDirectory, profile: ProviderProfile, options: DiscoveryOptions): Discover {
  return async (target) => {
    const address = 'address' in target ? target.address : null;
    const domain = address?.domain ?? ('domain' in target ? target.domain : '');
    const answer = await directory.lookup({ domain, mailbox: address?.lookupKey ?? null });
    if (!answer.hosted) return { found: false };
    const settings = resolveSettings(profile, {
      accessType: answer.accessType,
      domain,
      address,
      displayName: options.revealDisplayNames ? answer.displayName : null,
    });
    return { found: true, settings };
  };
}
