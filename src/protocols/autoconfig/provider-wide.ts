import type { MailSettings } from '../../model/mail-settings';
import { resolveSettings, type ProviderProfile } from '../../model/resolve-settings';

/**
 * The provider-wide answer for each of its own domains, resolved once: POP access with placeholders.
 * Thunderbird for Android never sends an address, and after the customer domain it asks
 * `autoconfig.<base domain of the MX host>`, which for hosted domains is one of these
 * (docs/protocols.md §6.7). A settings object per domain, so its rendering is remembered.
 */
export function providerWideSettingsOf(
  profile: ProviderProfile,
  domains: readonly string[],
): ReadonlyMap<string, MailSettings<null>> {
  return new Map(
    domains.map((domain) => [
      domain,
      resolveSettings(profile, { accessType: 'pop', domain, address: null, displayName: null }),
    ]),
  );
}
