import type { AppConfig } from '../config/schema';
import type { DomainPlatform } from '../model/platform';

/**
 * The configuration as it holds for one domain: its platform's popAccess and businessMail keys in
 * place of the provider-wide ones (docs/protocols.md §14), for admin commands that read servers from
 * the config (`dns`). The service itself merges the settings model instead (model/platform.ts).
 */
export function configOnPlatform(config: AppConfig, platform: DomainPlatform | undefined): AppConfig {
  if (platform === undefined) return config;
  const { outlookMode, outlookRedirectUrl, ...business } = platform.businessMail ?? {};
  return {
    ...config,
    popAccess: { ...config.popAccess, ...keysSet<AppConfig['popAccess']>(platform.popAccess ?? {}) },
    businessMail: {
      ...config.businessMail,
      ...keysSet<AppConfig['businessMail']>(business),
      // The config holds the effective redirect URL: null unless the mode is "redirect".
      ...(outlookMode === undefined
        ? {}
        : { outlookMode, outlookRedirectUrl: outlookMode === 'redirect' ? (outlookRedirectUrl ?? null) : null }),
    },
  };
}

/**
 * The platform section's keys that are set, as the config section's type: the platform schema checks
 * each with the config's own rule (config/platform-schema.ts), so the values are the config's values.
 */
function keysSet<Section>(overrides: object): Partial<Section> {
  return Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined)) as Partial<Section>;
}
