import express, { type Request, type Response, type Router } from 'express';
import type { ProtocolRoutes } from '../../http/fast-lane';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Discover } from '../../discovery/discover';
import { queryParam } from '../../http/query-param';
import { discoverAddress, loggedOutcomeOf } from '../protocol-outcome';
import { createReply, limitRate } from '../reply';
import { answerAutodiscoverJson, type AutodiscoverJsonOutcome } from './answers';
import { parseAutodiscoverJsonRequest } from './parse-request';
import { AUTODISCOVER_JSON_ADDRESS_PATH, AUTODISCOVER_JSON_PATH, AUTODISCOVER_JSON_VERSION_PATH } from './paths';

export interface AutodiscoverJsonRouterDeps {
  readonly discover: Discover;
  /** This service's POX URL, returned for Protocol=AutodiscoverV1. */
  readonly autodiscoverUrl: string;
  /** The per-IP limiter every discovery path shares; null when rate limiting is off. */
  readonly rateLimiter: RateLimiterAbstract | null;
}

export function createAutodiscoverJsonRouter(deps: AutodiscoverJsonRouterDeps): Router {
  return createAutodiscoverJsonRoutes(deps).router;
}

/** The router, and the same handlers for the fast lane. */
export function createAutodiscoverJsonRoutes(deps: AutodiscoverJsonRouterDeps): ProtocolRoutes {
  const router = express.Router();
  const reply = createReply(
    (outcome: AutodiscoverJsonOutcome) => answerAutodiscoverJson(outcome, deps.autodiscoverUrl),
    (outcome) => loggedOutcomeOf('autodiscover-json', outcome),
  );
  const limit = limitRate(router, [AUTODISCOVER_JSON_PATH], deps.rateLimiter, reply);
  const handle = async (req: Request, res: Response, addressText: string | undefined): Promise<void> => {
    reply(res, await autodiscoverJsonOutcome(deps.discover, addressText, queryParam(req, 'Protocol')));
  };
  const addressInPath = (req: Request, res: Response): Promise<void> => {
    const address: unknown = req.params['address'];
    return handle(req, res, typeof address === 'string' ? address : undefined);
  };
  const addressInQuery = (req: Request, res: Response): Promise<void> => handle(req, res, queryParam(req, 'Email'));
  const queryPaths = [AUTODISCOVER_JSON_PATH, AUTODISCOVER_JSON_VERSION_PATH];
  router.get(AUTODISCOVER_JSON_ADDRESS_PATH, addressInPath);
  router.get(queryPaths, addressInQuery);
  return {
    router,
    fastRoutes: [
      { method: 'GET', paths: [AUTODISCOVER_JSON_ADDRESS_PATH], handlers: [...limit, addressInPath] },
      { method: 'GET', paths: queryPaths, handlers: [...limit, addressInQuery] },
    ],
  };
}

async function autodiscoverJsonOutcome(
  discover: Discover,
  addressText: string | undefined,
  protocolText: string | undefined,
): Promise<AutodiscoverJsonOutcome> {
  const parsed = parseAutodiscoverJsonRequest(addressText, protocolText);
  if (!parsed.ok) return { kind: 'invalid-request', invalid: parsed.error };
  return discoverAddress(discover, parsed.value.protocol, parsed.value.emailAddress);
}
