import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import type { ExpressBridge } from '../../http/express-bridge';
import type { ProtocolRoutes } from '../../http/fast-lane';
import type { RequestLimiter } from '../../http/rate-limit';
import type { Discover } from '../../discovery/discover';
import { queryAddress, queryParam } from '../../http/query-param';
import { ok } from '../../model/result';
import { discoverDecodedAddress, loggedOutcomeOf } from '../protocol-outcome';
import { createReply, limitRate } from '../reply';
import { answerMobileconfig, type MobileconfigOutcome } from './answers';
import { MOBILECONFIG_PATH } from './paths';
import { choosePlatform } from './platform';
import type { ProfileSigner } from './profile-signer';
import type { AppleProfileIssuer } from './render';

export interface MobileconfigRouterDeps {
  readonly discover: Discover;
  readonly issuer: AppleProfileIssuer;
  /** Signs every profile; null serves them unsigned. */
  readonly signer?: ProfileSigner | null;
  /** The per-IP limiter every discovery path shares; null when rate limiting is off. */
  readonly rateLimiter: RequestLimiter | null;
  /** The client's address for the limiter (express-bridge.ts). */
  readonly express: ExpressBridge;
}

/**
 * GET /mobileconfig?emailaddress=…[&platform=ios|macos] : an Apple configuration profile for one
 * address, for the platform named, or else the one the User-Agent suggests (platform.ts).
 */
export function createMobileconfigRouter(deps: MobileconfigRouterDeps): Router {
  return createMobileconfigRoutes(deps).router;
}

/** The router, and the same handlers for the fast lane. */
export function createMobileconfigRoutes(deps: MobileconfigRouterDeps): ProtocolRoutes {
  const router = express.Router();
  const reply = createReply(
    (outcome: MobileconfigOutcome) => answerMobileconfig(outcome, deps.issuer, deps.signer ?? null),
    (outcome) => loggedOutcomeOf('mobileconfig', outcome),
  );
  const limit = limitRate(router, [MOBILECONFIG_PATH], deps.rateLimiter, reply, deps.express);
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const platform = choosePlatform(queryParam(req, 'platform'), req.headers['user-agent']);
    if (!platform.ok) {
      reply(res, { kind: 'invalid-request', invalid: platform.error });
      return;
    }
    const addressText = queryAddress(req, 'emailaddress') ?? queryAddress(req, 'email') ?? ok('');
    reply(res, await discoverDecodedAddress(deps.discover, platform.value, addressText));
  };
  router.get(MOBILECONFIG_PATH, answer);
  return { router, fastRoutes: [{ method: 'GET', paths: [MOBILECONFIG_PATH], handlers: [...limit, answer] }] };
}
