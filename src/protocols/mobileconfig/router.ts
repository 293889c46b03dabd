import express, { type Request, type Response, type Router } from 'express';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Discover } from '../../discovery/discover';
import { queryParam } from '../../http/query-param';
import { discoverAddress, loggedOutcomeOf } from '../protocol-outcome';
import { createReply, limitRate } from '../reply';
import { answerMobileconfig, type MobileconfigOutcome } from './answers';
import { MOBILECONFIG_PATH } from './paths';
import type { AppleProfileIssuer } from './render';

export interface MobileconfigRouterDeps {
  readonly discover: Discover;
  readonly issuer: AppleProfileIssuer;
  /** The per-IP limiter every discovery path shares; null when rate limiting is off. */
  readonly rateLimiter: RateLimiterAbstract | null;
}

/** GET /mobileconfig?emailaddress=… : an Apple configuration profile for one address. */
export function createMobileconfigRouter(deps: MobileconfigRouterDeps): Router {
  const router = express.Router();
  const reply = createReply(
    (outcome: MobileconfigOutcome) => answerMobileconfig(outcome, deps.issuer),
    (outcome) => loggedOutcomeOf('mobileconfig', outcome),
  );
  limitRate(router, [MOBILECONFIG_PATH], deps.rateLimiter, reply);
  router.get(MOBILECONFIG_PATH, async (req: Request, res: Response) => {
    const addressText = queryParam(req, 'emailaddress') ?? queryParam(req, 'email') ?? '';
    reply(res, await discoverAddress(deps.discover, null, addressText));
  });
  return router;
}
