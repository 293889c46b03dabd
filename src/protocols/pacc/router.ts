import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import { allowPublicCors } from '../../http/cors';
import type { RequestLimiter } from '../../http/rate-limit';
import { domainTarget, type Discover } from '../../discovery/discover';
import type { ExpressBridge } from '../../http/express-bridge';
import type { ProtocolRoutes } from '../../http/fast-lane';
import { discoverTarget, loggedOutcomeOf } from '../protocol-outcome';
import { createReply, limitRate } from '../reply';
import { answerPacc, type PaccOutcome } from './answers';
import { paccDomainOf } from './parse-request';
import { PACC_PATH } from './paths';
import type { PaccProvider } from './render';

export interface PaccRouterDeps {
  readonly discover: Discover;
  readonly provider: PaccProvider;
  /** The per-IP limiter every discovery path shares; null when rate limiting is off. */
  readonly rateLimiter: RequestLimiter | null;
  /** The client's address, and Express's `req.hostname` for the domain (express-bridge.ts). */
  readonly express: ExpressBridge;
}

/** GET /.well-known/user-agent-configuration.json on ua-auto-config.<domain>. */
export function createPaccRouter(deps: PaccRouterDeps): Router {
  return createPaccRoutes(deps).router;
}

/** The router, and the same handlers for the fast lane. */
export function createPaccRoutes(deps: PaccRouterDeps): ProtocolRoutes {
  const router = express.Router();
  const reply = createReply(
    (outcome: PaccOutcome) => answerPacc(outcome, deps.provider),
    (outcome) => loggedOutcomeOf('pacc', outcome),
  );
  // The document is public and credential-free: browser-based clients may read it (docs/protocols.md §6.8).
  const cors = allowPublicCors(router, [PACC_PATH]);
  const limit = limitRate(router, [PACC_PATH], deps.rateLimiter, reply, deps.express);
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    reply(res, await paccOutcome(req, res, deps));
  };
  router.get(PACC_PATH, answer);
  return { router, fastRoutes: [{ method: 'GET', paths: [PACC_PATH], handlers: [...cors, ...limit, answer] }] };
}

/** The domain comes from the host asked, never from the query: the document is per domain, not per user. */
function paccOutcome(
  req: IncomingMessage,
  res: ServerResponse,
  { discover, express: bridge }: PaccRouterDeps,
): Promise<PaccOutcome> {
  // Express's req.hostname: the Host, or X-Forwarded-Host from a trusted proxy; undefined without a Host.
  const domain = paccDomainOf(bridge.expressObjects(req, res).req.hostname);
  if (!domain.ok) return Promise.resolve({ kind: 'invalid-request', invalid: domain.error });
  return discoverTarget(discover, null, domainTarget(domain.value));
}
