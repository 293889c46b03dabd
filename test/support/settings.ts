import { buildProviderProfile } from '../../src/config/provider-profile';
import type { AccessType } from '../../src/model/access-type';
import { parseEmailAddress, type EmailAddress } from '../../src/model/email-address';
import type { AddressedMailSettings, BusinessMailSettings } from '../../src/model/mail-settings';
import { resolveSettings } from '../../src/model/resolve-settings';
import { exampleConfig } from './app';

export const EXAMPLE_CONFIG = exampleConfig().config;

export function address(text: string): EmailAddress {
  const parsed = parseEmailAddress(text);
  if (!parsed.ok) throw new Error(`test address ${JSON.stringify(text)} is invalid: ${parsed.error}`);
  return parsed.value;
}

/** Settings for a mailbox of the example config, as discovery resolves them. */
export function settingsFor(text: string, accessType: AccessType): AddressedMailSettings {
  const parsed = address(text);
  return resolveSettings(buildProviderProfile(EXAMPLE_CONFIG), {
    accessType,
    domain: parsed.domain,
    address: parsed,
    displayName: null,
  });
}

export function businessSettingsFor(text: string): BusinessMailSettings<EmailAddress> {
  const settings = settingsFor(text, 'business');
  if (settings.accessType !== 'business') throw new Error('expected Business Mail settings');
  return settings;
}
