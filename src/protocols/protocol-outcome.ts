import type { CacheResult } from '../cache/cached-directory';
import { addressTarget, type Discover, type DiscoveryTarget } from '../discovery/discover';
import type { DecodedText } from '../http/query-param';
import type { InvalidRequestProblem, LoggedSchema, DiscoveryProtocol, RequestOutcome } from '../http/request-outcome';
import { parseEmailAddress, type AddressError } from '../model/email-address';
import { rememberByText } from '../model/remember';
import type { AddressedMailSettings, MailSettings, UserAddress } from '../model/mail-settings';

/** The directory is away: every protocol that can say so tells the client to ask again after this. */
export const DIRECTORY_UNAVAILABLE_RETRY_SECONDS = 30;

/** A protocol's own reasons to refuse a request; `kind` is what the log line names. */
export interface InvalidRequest {
  readonly kind: InvalidRequestProblem;
  /** The 4xx a body parser refused the request with, when that was the reason. */
  readonly refusedStatus?: number;
}

/**
 * What happened once an address (or domain) was read from the request. `Request` is what the
 * protocol's answer depends on besides the outcome (the Autodiscover schema, the JSON protocol).
 */
export type DiscoveryOutcome<Request, Settings extends MailSettings = MailSettings> =
  | { readonly kind: 'invalid-address'; readonly request: Request; readonly addressError: AddressError }
  | ((
      | { readonly kind: 'not-hosted'; readonly request: Request; readonly domain: string }
      | {
          readonly kind: 'unavailable';
          readonly request: Request;
          readonly domain: string;
          readonly retryAfterSeconds: number;
        }
      | { readonly kind: 'settings'; readonly request: Request; readonly settings: Settings }
    ) & {
      /** Where the directory answer came from, for the log line; answers never depend on it. */
      readonly cache?: CacheResult | null;
    });

/**
 * Every outcome of a discovery request, each answered by the protocol's answer table. A protocol
 * that refuses no request before reading the address passes `never` and has no `invalid-request`.
 */
export type ProtocolOutcome<Request, Invalid extends InvalidRequest, Settings extends MailSettings = MailSettings> =
  | ([Invalid] extends [never] ? never : { readonly kind: 'invalid-request'; readonly invalid: Invalid })
  | { readonly kind: 'rate-limited'; readonly retryAfterSeconds: number }
  | DiscoveryOutcome<Request, Settings>;

/** Parsing is pure: the same text gives the same address object, which the settings memo keys by. */
const parseEmailAddressRemembered = rememberByText(parseEmailAddress);

/**
 * The ladder every protocol shares once it has the address text: parse it, then discover. Not an
 * async function: one that returns another promise costs the hot path extra microtask turns.
 */
export function discoverAddress<Request>(
  discover: Discover,
  request: Request,
  addressText: string,
): Promise<DiscoveryOutcome<Request, AddressedMailSettings>> {
  const address = parseEmailAddressRemembered(addressText);
  if (!address.ok) return Promise.resolve({ kind: 'invalid-address', request, addressError: address.error });
  return discoverTarget(discover, request, addressTarget(address.value));
}

/** discoverAddress for text the request percent-encoded: text that does not decode is an invalid address. */
export function discoverDecodedAddress<Request>(
  discover: Discover,
  request: Request,
  addressText: DecodedText,
): Promise<DiscoveryOutcome<Request, AddressedMailSettings>> {
  if (!addressText.ok) return Promise.resolve({ kind: 'invalid-address', request, addressError: 'invalid-utf8' });
  return discoverAddress(discover, request, addressText.value);
}

/** Directory → outcome, for an address or a domain. */
export async function discoverTarget<Request, Address extends UserAddress>(
  discover: Discover,
  request: Request,
  target: DiscoveryTarget<Address>,
): Promise<DiscoveryOutcome<Request, MailSettings<Address>>> {
  const discovery = await discover(target);
  const { cache } = discovery;
  switch (discovery.status) {
    case 'unavailable':
      return {
        kind: 'unavailable',
        request,
        domain: target.domain,
        retryAfterSeconds: DIRECTORY_UNAVAILABLE_RETRY_SECONDS,
        cache,
      };
    case 'not-hosted':
      return { kind: 'not-hosted', request, domain: target.domain, cache };
    case 'settings':
      return { kind: 'settings', request, settings: discovery.settings, cache };
  }
}

/** The log line's account of an outcome: the kind, the domain, never the local part. */
export function loggedOutcomeOf<Request, Invalid extends InvalidRequest>(
  protocol: DiscoveryProtocol,
  outcome: ProtocolOutcome<Request, Invalid>,
  schemaOf?: (request: Request) => LoggedSchema,
): RequestOutcome {
  switch (outcome.kind) {
    case 'invalid-request': {
      const { kind, refusedStatus } = outcome.invalid;
      return {
        protocol,
        outcome: 'invalid-request',
        problem: kind,
        ...(refusedStatus === undefined ? {} : { refusedStatus }),
      };
    }
    case 'rate-limited':
      return { protocol, outcome: 'rate-limited' };
    case 'invalid-address':
      return { protocol, outcome: 'invalid-address', addressError: outcome.addressError };
    case 'not-hosted':
      return { protocol, outcome: 'not-hosted', domain: outcome.domain, ...cacheOf(outcome) };
    case 'unavailable':
      return { protocol, outcome: 'directory-unavailable', domain: outcome.domain, ...cacheOf(outcome) };
    case 'settings':
      return {
        protocol,
        outcome: 'settings',
        domain: outcome.settings.user.domain,
        accessType: outcome.settings.accessType,
        ...(schemaOf === undefined ? {} : { schema: schemaOf(outcome.request) }),
        ...cacheOf(outcome),
      };
  }
}

const CACHE_FIELDS: Readonly<Record<CacheResult, { readonly cache: CacheResult }>> = {
  hit: { cache: 'hit' },
  miss: { cache: 'miss' },
  stale: { cache: 'stale' },
};

/** The log line's `cache` field, when the directory said. */
function cacheOf(outcome: { readonly cache?: CacheResult | null }): { readonly cache?: CacheResult } {
  return outcome.cache === undefined || outcome.cache === null ? {} : CACHE_FIELDS[outcome.cache];
}
