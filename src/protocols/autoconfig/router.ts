import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import { allowPublicCors } from '../../http/cors';
import type { ExpressBridge } from '../../http/express-bridge';
import type { ProtocolRoutes } from '../../http/fast-lane';
import type { RequestLimiter } from '../../http/rate-limit';
import { domainTarget, type Discover } from '../../discovery/discover';
import { queryAddress } from '../../http/query-param';
import { parseDomainName } from '../../model/email-address';
import type { MailSettings } from '../../model/mail-settings';
import type { ProviderProfile } from '../../model/resolve-settings';
import { discoverDecodedAddress, discoverTarget, loggedOutcomeOf } from '../protocol-outcome';
import { createReply, limitRate } from '../reply';
import { answerAutoconfig, type AutoconfigOutcome } from './answers';
import { AUTOCONFIG_PATHS } from './paths';
import { providerWideSettingsOf } from './provider-wide';
import type { AutoconfigEmailProvider } from './render';

export interface AutoconfigRouterDeps {
  readonly discover: Discover;
  readonly provider: AutoconfigEmailProvider;
  /** The per-IP limiter every discovery path shares; null when rate limiting is off. */
  readonly rateLimiter: RequestLimiter | null;
  /** The client's address, and Express's helpers for the answer by Host (express-bridge.ts). */
  readonly express: ExpressBridge;
  /** The provider's own domains (config provider.autoconfigDomains, A-labels): see provider-wide.ts. */
  readonly providerDomains: readonly string[];
  /** The provider's fixed facts, for the provider-wide answer. */
  readonly profile: ProviderProfile;
}

/** GET /mail/config-v1.1.xml and /.well-known/autoconfig/mail/config-v1.1.xml (and the CORS preflight). */
export function createAutoconfigRouter(deps: AutoconfigRouterDeps): Router {
  return createAutoconfigRoutes(deps).router;
}

/** The router, and the same handlers for the fast lane. */
export function createAutoconfigRoutes(deps: AutoconfigRouterDeps): ProtocolRoutes {
  const router = express.Router();
  const reply = createReply(
    (outcome: AutoconfigOutcome) => answerAutoconfig(outcome, deps.provider),
    (outcome) => loggedOutcomeOf('autoconfig', outcome),
  );
  // Public and credential-free: readable by browser-based clients (docs/protocols.md §6.8).
  const cors = allowPublicCors(router, AUTOCONFIG_PATHS);
  const limit = limitRate(router, AUTOCONFIG_PATHS, deps.rateLimiter, reply, deps.express);
  const providerWide = providerWideSettingsOf(deps.profile, deps.providerDomains);
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    reply(res, await autoconfigOutcome(req, res, deps, providerWide));
  };
  router.get([...AUTOCONFIG_PATHS], answer);
  return { router, fastRoutes: [{ method: 'GET', paths: AUTOCONFIG_PATHS, handlers: [...cors, ...limit, answer] }] };
}

/**
 * The address if given; otherwise the domain the client asked (autoconfig.<domain> or <domain>):
 * one of the provider's own, answered provider-wide without the directory, or a customer domain.
 */
function autoconfigOutcome(
  req: IncomingMessage,
  res: ServerResponse,
  { discover, express: bridge }: AutoconfigRouterDeps,
  providerWide: ReadonlyMap<string, MailSettings<null>>,
): Promise<AutoconfigOutcome> {
  const addressText = queryAddress(req, 'emailaddress');
  if (addressText !== undefined && (!addressText.ok || addressText.value.trim() !== ''))
    return discoverDecodedAddress(discover, null, addressText);
  // Express's req.hostname: the Host, or X-Forwarded-Host from a trusted proxy. Express types it as
  // string, but it is undefined when the request has no Host header.
  const hostname = bridge.expressObjects(req, res).req.hostname as string | undefined;
  const domain = parseDomainName((hostname ?? '').replace(/^autoconfig\./i, ''));
  if (!domain.ok) return Promise.resolve({ kind: 'invalid-request', invalid: { kind: 'no-domain' } });
  const providerSettings = providerWide.get(domain.value.ascii);
  if (providerSettings !== undefined)
    return Promise.resolve({ kind: 'settings', request: null, settings: providerSettings });
  return discoverTarget(discover, null, domainTarget(domain.value.ascii));
}
