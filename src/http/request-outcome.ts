import type { ServerResponse } from 'node:http';
import type { CacheResult } from '../cache/cached-directory';
import type { AccessType } from '../model/access-type';
import type { AddressError } from '../model/email-address';

export type DiscoveryProtocol =
  | 'autodiscover'
  | 'autodiscover-json'
  | 'autodiscover-soap'
  | 'autoconfig'
  | 'mobileconfig'
  | 'pacc'
  | 'tls-ask'
  | 'setup-page';

/** Why a request was refused before any address was looked at; each protocol has its own. */
export type InvalidRequestProblem =
  // Autodiscover POX
  | 'invalid-request'
  | 'unsupported-schema'
  | 'legacy-dn-only'
  | 'not-a-post'
  | 'body-refused'
  // Autodiscover v2 JSON
  | 'unknown-protocol'
  // autoconfig: no emailaddress, and the Host is not a domain
  | 'no-domain'
  // Apple profiles: a platform parameter that is neither ios nor macos
  | 'unknown-platform'
  // PACC: the Host is not ua-auto-config.<domain>
  | 'not-a-pacc-host'
  // Autodiscover SOAP (also not-a-post, body-refused)
  | 'not-soap'
  | 'soap-version-mismatch'
  | 'unsupported-operation'
  | 'invalid-soap-request';

/** Which Autodiscover answer the client asked for; logged with Autodiscover POX and SOAP outcomes. */
export type LoggedSchema = 'outlook' | 'mobilesync' | 'GetUserSettings' | 'GetDomainSettings';

/**
 * What the request log line says about a discovery request; never the local part of an address.
 * `outcome` is the kind; details sit in their own fields.
 */
export type RequestOutcome = { readonly protocol: DiscoveryProtocol } & (
  | {
      readonly outcome: 'settings';
      readonly domain: string;
      readonly accessType: AccessType;
      readonly schema?: LoggedSchema;
      readonly cache?: CacheResult;
    }
  | { readonly outcome: 'invalid-request'; readonly problem: InvalidRequestProblem; readonly refusedStatus?: number }
  | { readonly outcome: 'invalid-address'; readonly addressError: AddressError }
  | { readonly outcome: 'not-hosted' | 'directory-unavailable'; readonly domain: string; readonly cache?: CacheResult }
  | { readonly outcome: 'rate-limited' | 'redirect-to-https' }
  // the setup page asked without an address: the empty form
  | { readonly outcome: 'form' }
  // Caddy may obtain a certificate for this name (tls-ask-router.ts)
  | { readonly outcome: 'tls-allowed'; readonly domain: string }
);

// Symbol.for: one symbol for every copy of this module (jest's isolated module registries too).
const OUTCOME = Symbol.for('mail-autodiscover.outcome');

/** A response with the outcome its request log line will name (kept on the response itself). */
interface ResponseWithOutcome extends ServerResponse {
  [OUTCOME]?: RequestOutcome;
}

export function recordOutcome(res: ServerResponse, outcome: RequestOutcome): void {
  (res as ResponseWithOutcome)[OUTCOME] = outcome;
}

export function outcomeOf(res: ServerResponse): RequestOutcome | undefined {
  return (res as ResponseWithOutcome)[OUTCOME];
}
