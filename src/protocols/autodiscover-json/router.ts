import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import type { ExpressBridge } from '../../http/express-bridge';
import type { ProtocolRoutes } from '../../http/fast-lane';
import type { RequestLimiter } from '../../http/rate-limit';
import type { Discover } from '../../discovery/discover';
import { lastPathSegment, queryAddress, queryParam, type DecodedText } from '../../http/query-param';
import { ok } from '../../model/result';
import { discoverDecodedAddress, loggedOutcomeOf } from '../protocol-outcome';
import { createReply, limitRate } from '../reply';
import { answerAutodiscoverJson, type AutodiscoverJsonOutcome } from './answers';
import { parseAutodiscoverJsonRequest } from './parse-request';
import {
  AUTODISCOVER_JSON_ADDRESS_PATH,
  AUTODISCOVER_JSON_ADDRESS_PATTERN,
  AUTODISCOVER_JSON_PATH,
  AUTODISCOVER_JSON_VERSION_PATH,
} from './paths';

export interface AutodiscoverJsonRouterDeps {
  readonly discover: Discover;
  /** This service's POX URL, returned for Protocol=AutodiscoverV1. */
  readonly autodiscoverUrl: string;
  /** The per-IP limiter every discovery path shares; null when rate limiting is off. */
  readonly rateLimiter: RequestLimiter | null;
  /** The client's address for the limiter (express-bridge.ts). */
  readonly express: ExpressBridge;
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
  const limit = limitRate(router, [AUTODISCOVER_JSON_PATH], deps.rateLimiter, reply, deps.express);
  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    addressText: DecodedText | undefined,
  ): Promise<void> => {
    reply(res, await autodiscoverJsonOutcome(deps.discover, addressText, queryParam(req, 'Protocol')));
  };
  // Read from the path here, not from req.params: Express's own decoding would refuse bad escapes
  // before the handler, with a plain-text 400 instead of this protocol's JSON error.
  const addressInPath = (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    handle(req, res, lastPathSegment(req));
  const addressInQuery = (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    handle(req, res, queryAddress(req, 'Email'));
  const queryPaths = [AUTODISCOVER_JSON_PATH, AUTODISCOVER_JSON_VERSION_PATH];
  router.get(AUTODISCOVER_JSON_ADDRESS_PATTERN, addressInPath);
  router.get(queryPaths, addressInQuery);
  return {
    router,
    fastRoutes: [
      { method: 'GET', paths: [AUTODISCOVER_JSON_ADDRESS_PATH], handlers: [...limit, addressInPath] },
      { method: 'GET', paths: queryPaths, handlers: [...limit, addressInQuery] },
    ],
  };
}

function autodiscoverJsonOutcome(
  discover: Discover,
  addressText: DecodedText | undefined,
  protocolText: DecodedText | undefined,
): Promise<AutodiscoverJsonOutcome> {
  // A Protocol that does not decode is echoed as sent, still escaped, in the InvalidProtocol error.
  const protocol = protocolText === undefined || protocolText.ok ? protocolText?.value : protocolText.error.asSent;
  // Protocol is checked before the address, as Exchange Online does.
  const parsed = parseAutodiscoverJsonRequest(undefined, protocol);
  if (!parsed.ok) return Promise.resolve({ kind: 'invalid-request', invalid: parsed.error });
  return discoverDecodedAddress(discover, parsed.value.protocol, addressText ?? ok(''));
}
