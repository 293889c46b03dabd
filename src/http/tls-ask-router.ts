import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { domainTarget, type Discover } from '../discovery/discover';
import { parseDomainName } from '../model/email-address';
import { DIRECTORY_UNAVAILABLE_RETRY_SECONDS } from '../protocols/protocol-outcome';
import { plainTextAnswer, sendAnswer, type Answer } from './answer';
import type { ProtocolRoutes } from './fast-lane';
import { queryParam } from './query-param';
import { recordOutcome, type RequestOutcome } from './request-outcome';

/** Caddy's on-demand TLS `ask` endpoint (docs/protocols.md §12.1). */
export const TLS_ASK_PATH = '/tls/allowed';

/** The names a client looks up for a customer domain, and so the names that need its certificate. */
const DISCOVERY_NAME_PREFIXES = ['autodiscover.', 'autoconfig.', 'ua-auto-config.'] as const;

/** What the ask endpoint decided about one name, before and after asking the directory. */
export type TlsAskOutcome =
  | { readonly kind: 'malformed' }
  | { readonly kind: 'provider-name'; readonly name: string }
  | { readonly kind: 'foreign-name'; readonly name: string }
  | { readonly kind: 'hosted'; readonly name: string; readonly domain: string }
  | { readonly kind: 'not-hosted'; readonly name: string; readonly domain: string }
  | { readonly kind: 'unavailable'; readonly name: string; readonly domain: string };

/**
 * The part of the decision that needs no directory: a malformed name, one of the provider's own,
 * a name of no discovery form (refused without a lookup), or the customer domain to look up.
 */
export function classifyAskedName(
  text: string,
  providerHostNames: ReadonlySet<string>,
): TlsAskOutcome | { readonly kind: 'look-up'; readonly name: string; readonly domain: string } {
  const parsed = parseDomainName(text);
  if (!parsed.ok) return { kind: 'malformed' };
  const name = parsed.value.ascii;
  if (providerHostNames.has(name)) return { kind: 'provider-name', name };
  const prefix = DISCOVERY_NAME_PREFIXES.find((candidate) => name.startsWith(candidate));
  if (prefix === undefined) return { kind: 'foreign-name', name };
  // `autodiscover.com` names no customer domain: its rest is a single label.
  const domain = parseDomainName(name.slice(prefix.length));
  if (!domain.ok) return { kind: 'foreign-name', name };
  return { kind: 'look-up', name, domain: domain.value.ascii };
}

const ALLOWED = plainTextAnswer(200, 'allowed');
const REFUSED = plainTextAnswer(404, 'not a name this service answers for');
const MALFORMED = plainTextAnswer(400, 'domain: must be a host name such as autodiscover.example.com');
const UNAVAILABLE = plainTextAnswer(
  503,
  'The account directory cannot be reached; try again later.',
  DIRECTORY_UNAVAILABLE_RETRY_SECONDS,
);

export function answerTlsAsk(outcome: TlsAskOutcome): Answer {
  switch (outcome.kind) {
    case 'malformed':
      return MALFORMED;
    case 'provider-name':
    case 'hosted':
      return ALLOWED;
    case 'foreign-name':
    case 'not-hosted':
      return REFUSED;
    case 'unavailable':
      return UNAVAILABLE;
  }
}

function loggedTlsAsk(outcome: TlsAskOutcome): RequestOutcome {
  const protocol = 'tls-ask';
  switch (outcome.kind) {
    case 'malformed':
      return { protocol, outcome: 'invalid-request', problem: 'no-domain' };
    case 'provider-name':
    case 'hosted':
      return { protocol, outcome: 'tls-allowed', domain: outcome.name };
    case 'foreign-name':
    case 'not-hosted':
      return { protocol, outcome: 'not-hosted', domain: outcome.name };
    case 'unavailable':
      return { protocol, outcome: 'directory-unavailable', domain: outcome.name };
  }
}

export interface TlsAskDeps {
  readonly discover: Discover;
  /** server.onDemandTls.providerHostNames and the host of autodiscover.publicUrl. */
  readonly providerHostNames: readonly string[];
}

/**
 * GET /tls/allowed?domain=<name>: 200 when Caddy may obtain a certificate for the name, 404 when
 * not, 400 for a name that is not a host name, 503 while the directory cannot say (Caddy refuses
 * that handshake and asks again on the next). Not rate-limited: the caller is Caddy, one address
 * for every customer, and names of no discovery form never reach the directory (§12.1).
 */
export function createTlsAskRoutes(deps: TlsAskDeps): ProtocolRoutes {
  const providerHostNames = new Set(
    deps.providerHostNames.flatMap((name) => {
      const parsed = parseDomainName(name);
      return parsed.ok ? [parsed.value.ascii] : [];
    }),
  );
  const reply = (res: ServerResponse, outcome: TlsAskOutcome): void => {
    recordOutcome(res, loggedTlsAsk(outcome));
    sendAnswer(res, answerTlsAsk(outcome));
  };
  const ask = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = queryParam(req, 'domain');
    const classified =
      text?.ok === true ? classifyAskedName(text.value, providerHostNames) : { kind: 'malformed' as const };
    if (classified.kind !== 'look-up') {
      reply(res, classified);
      return;
    }
    const { name, domain } = classified;
    const discovery = await deps.discover(domainTarget(domain));
    const kind = discovery.status === 'settings' ? 'hosted' : discovery.status;
    reply(res, { kind, name, domain });
  };
  const router = express.Router();
  router.get(TLS_ASK_PATH, ask);
  return { router, fastRoutes: [{ method: 'GET', paths: [TLS_ASK_PATH], handlers: [ask] }] };
}
