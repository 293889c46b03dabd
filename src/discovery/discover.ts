import type { CacheReportingDirectory, CacheResult, ReportedAnswer } from '../cache/cached-directory';
import {
  DirectoryUnavailableError,
  type AccountDirectory,
  type AccountQuery,
  type DirectoryAnswer,
} from '../directory/account-directory';
import type { AccessType } from '../model/access-type';
import type { EmailAddress } from '../model/email-address';
import { RECENT_ANSWERS_KEPT, RecentlyUsed } from '../model/remember';
import type { MailSettings, UserAddress } from '../model/mail-settings';
import { applyPlatform, type DomainPlatform } from '../model/platform';
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
export type Discovery<Settings = MailSettings> = (
  | { readonly status: 'settings'; readonly settings: Settings }
  | { readonly status: 'not-hosted' }
  | { readonly status: 'unavailable' }
) & {
  /** Where the directory answer came from (null: a directory without a cache in front, in tests). */
  readonly cache: CacheResult | null;
};

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
  directory: AccountDirectory | CacheReportingDirectory,
  profile: ProviderProfile,
  options: DiscoveryOptions,
): Discover {
  const providerWide = new RememberedSettings(profile);
  const platforms = new PlatformProfiles(profile);
  const lookup = reportingLookupOf(directory);
  return async <Address extends UserAddress>(
    target: DiscoveryTarget<Address>,
  ): Promise<Discovery<MailSettings<Address>>> => {
    let reported;
    try {
      reported = await lookup({ domain: target.domain, address: target.address?.lookupKey ?? null });
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) options.onUnexpectedError(error);
      // Failed lookups went past the cache (a stale answer would have been served instead).
      return { status: 'unavailable', cache: 'miss' };
    }
    const { answer, cache } = reported;
    if (!answer.hosted) return { status: 'not-hosted', cache };
    // A domain without a platform of its own costs one property read more than before platforms existed.
    const remembered = answer.platform === undefined ? providerWide : platforms.of(answer.platform);
    const settings = remembered.of(target, answer.accessType, options.revealDisplayNames ? answer.displayName : null);
    return { status: 'settings', settings, cache };
  };
}

type ReportingLookup = (query: AccountQuery) => Promise<ReportedAnswer | { answer: DirectoryAnswer; cache: null }>;

function reportingLookupOf(directory: AccountDirectory | CacheReportingDirectory): ReportingLookup {
  if ('lookupReportingCache' in directory) return (query) => directory.lookupReportingCache(query);
  return async (query) => ({ answer: await directory.lookup(query), cache: null });
}

/** How many distinct platforms keep their merged profile (and the settings and renderings made with it). */
export const PLATFORM_PROFILES_KEPT = 256;

/**
 * The provider profile with each domain platform laid over it, made once per distinct platform
 * (docs/protocols.md §14). Each merged profile has its own RememberedSettings, so settings, and the
 * renderings remembered per settings object, are never shared between two platforms or with the
 * provider-wide profile. A platform object is found again by identity (a cached directory answer
 * hands out the same one); a new object equal to a known platform (the next PostgreSQL or HTTP
 * answer) by its JSON, among the PLATFORM_PROFILES_KEPT most recently used.
 */
class PlatformProfiles {
  private readonly byObject = new WeakMap<DomainPlatform, RememberedSettings>();
  private readonly byJson = new RecentlyUsed<RememberedSettings>(PLATFORM_PROFILES_KEPT);

  constructor(private readonly profile: ProviderProfile) {}

  of(platform: DomainPlatform): RememberedSettings {
    let remembered = this.byObject.get(platform);
    if (remembered === undefined) {
      remembered = this.byJson.get(
        JSON.stringify(platform),
        () => new RememberedSettings(applyPlatform(this.profile, platform)),
      );
      this.byObject.set(platform, remembered);
    }
    return remembered;
  }
}

/**
 * resolveSettings, remembered: the same target and directory answer give the same settings object,
 * so the renderings remembered for it are found again (protocols/memoize-rendering.ts). An address
 * target is keyed by its address object (the parser hands out one per text); a domain target by name.
 */
class RememberedSettings {
  private readonly byAddress = new WeakMap<EmailAddress, Map<string, MailSettings>>();
  private readonly byDomain = new RecentlyUsed<MailSettings>(RECENT_ANSWERS_KEPT);

  constructor(private readonly profile: ProviderProfile) {}

  of<Address extends UserAddress>(
    target: DiscoveryTarget<Address>,
    accessType: AccessType,
    displayName: string | null,
  ): MailSettings<Address> {
    const resolve = (): MailSettings<Address> =>
      resolveSettings(this.profile, { accessType, domain: target.domain, address: target.address, displayName });
    const answerKey = `${accessType}\0${displayName === null ? '' : `=${displayName}`}`;
    const address: EmailAddress | null = target.address;
    if (address === null) {
      // Settings for a domain target have a null address: MailSettings<null> is what resolve made.
      return this.byDomain.get(`${target.domain}\0${answerKey}`, resolve) as MailSettings<Address>;
    }
    let forAddress = this.byAddress.get(address);
    if (forAddress === undefined) {
      forAddress = new Map();
      this.byAddress.set(address, forAddress);
    }
    const known = forAddress.get(answerKey) as MailSettings<Address> | undefined;
    if (known !== undefined) return known;
    const settings = resolve();
    forAddress.set(answerKey, settings);
    return settings;
  }
}
