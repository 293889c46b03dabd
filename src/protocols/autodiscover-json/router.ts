import express, { type Request, type Response, type Router } from 'express';
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
  const router = express.Router();
  const reply = createReply(
    (outcome: AutodiscoverJsonOutcome) => answerAutodiscoverJson(outcome, deps.autodiscoverUrl),
    (outcome) => loggedOutcomeOf('autodiscover-json', outcome),
  );
  limitRate(router, [AUTODISCOVER_JSON_PATH], deps.rateLimiter, reply);
  const handle = async (req: Request, res: Response, addressText: string | undefined): Promise<void> => {
    reply(res, await autodiscoverJsonOutcome(deps.discover, addressText, queryParam(req, 'Protocol')));
  };
  router.get(AUTODISCOVER_JSON_ADDRESS_PATH, (req, res) => handle(req, res, req.params['address']));
  router.get([AUTODISCOVER_JSON_PATH, AUTODISCOVER_JSON_VERSION_PATH], (req, res) =>
    handle(req, res, queryParam(req, 'Email')),
  );
  return router;
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
