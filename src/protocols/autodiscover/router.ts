import type { ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import type { ExpressBridge } from '../../http/express-bridge';
import type { ProtocolRoutes } from '../../http/fast-lane';
import type { RequestLimiter } from '../../http/rate-limit';
import type { Discover } from '../../discovery/discover';
import { discoverAddress, loggedOutcomeOf } from '../protocol-outcome';
import { answerRefusals, createReply, limitRate } from '../reply';
import { answerAutodiscover, type AutodiscoverOutcome } from './answers';
import { RecentlyUsed, RECENT_ANSWERS_KEPT } from '../../model/remember';
import { parseAutodiscoverRequest, type AutodiscoverRequest, type AutodiscoverRequestProblem } from './parse-request';
import type { Result } from '../../model/result';
import { AUTODISCOVER_XML_PATH } from './paths';
import { readBodyWithin, type RequestWithBody } from '../../http/read-body';
import { redirectPlainHttp } from '../plain-http-redirect';

export interface AutodiscoverRouterDeps {
  readonly discover: Discover;
  readonly maxBodyBytes: number;
  readonly serverId: number;
  readonly now: () => Date;
  /** When set, plain-HTTP requests are redirected here (GET 302, POST 307: method and body kept). */
  readonly plainHttpRedirectUrl: string | null;
  /** The per-IP limiter every discovery path shares; null when rate limiting is off. */
  readonly rateLimiter: RequestLimiter | null;
  /** The client's address, req.secure and Express's redirect for the plain-HTTP redirect (express-bridge.ts). */
  readonly express: ExpressBridge;
}

/** POST /autodiscover/autodiscover.xml for Outlook, Thunderbird and ActiveSync phones. */
export function createAutodiscoverRouter(deps: AutodiscoverRouterDeps): Router {
  return createAutodiscoverRoutes(deps).router;
}

/** The router, and the same handlers for the fast lane (the POST). */
export function createAutodiscoverRoutes(deps: AutodiscoverRouterDeps): ProtocolRoutes {
  const router = express.Router();
  const reply = createReply(
    (outcome: AutodiscoverOutcome) => answerAutodiscover(outcome, { now: deps.now(), serverId: deps.serverId }),
    (outcome) => loggedOutcomeOf('autodiscover', outcome, (client) => client.schema),
  );
  const limit = limitRate(router, [AUTODISCOVER_XML_PATH], deps.rateLimiter, reply, deps.express);

  // Any Content-Type: clients send text/xml, application/xml, or nothing. Compressed bodies are refused.
  const readBody = readBodyWithin(deps.maxBodyBytes);

  // Outlook's port-80 probe expects a redirect (docs/protocols.md §3.6).
  const redirect = redirectPlainHttp(
    router,
    [AUTODISCOVER_XML_PATH],
    deps.plainHttpRedirectUrl,
    'autodiscover',
    deps.express,
  );

  const answer = async (req: RequestWithBody, res: ServerResponse): Promise<void> => {
    reply(res, await autodiscoverOutcome(req, deps.discover));
  };
  router.post(AUTODISCOVER_XML_PATH, readBody, answer);

  // GET probes (Remote Connectivity Analyzer, phones) and other methods: Exchange answers 600. A body
  // too large, aborted or compressed: still an Autodiscover document, with the 4xx status.
  const answerRefusedBody = answerRefusals(router, [AUTODISCOVER_XML_PATH], reply);

  return {
    router,
    fastRoutes: [
      {
        method: 'POST',
        paths: [AUTODISCOVER_XML_PATH],
        handlers: [...limit, ...redirect, readBody, answer],
        errorHandlers: [answerRefusedBody],
      },
    ],
  };
}

/** Real requests are under 600 bytes; larger bodies are parsed every time, so the memo stays small. */
const REMEMBERED_BODY_BYTES = 1024;
const recentBodies = new RecentlyUsed<Result<AutodiscoverRequest, AutodiscoverRequestProblem>>(RECENT_ANSWERS_KEPT);

/**
 * parseAutodiscoverRequest, remembered by the body's bytes: an Outlook asks with the same body every
 * time, and validating and parsing XML is most of a POST's own work. Parsing is pure, so the same
 * bytes give the same result.
 */
function parseBody(body: Buffer): Result<AutodiscoverRequest, AutodiscoverRequestProblem> {
  if (body.length > REMEMBERED_BODY_BYTES) return parseAutodiscoverRequest(body);
  return recentBodies.get(body.toString('latin1'), () => parseAutodiscoverRequest(body));
}

function autodiscoverOutcome(req: RequestWithBody, discover: Discover): Promise<AutodiscoverOutcome> {
  const parsed = parseBody(req.body ?? Buffer.alloc(0));
  if (!parsed.ok) return Promise.resolve({ kind: 'invalid-request', invalid: parsed.error });
  const { schema, emailAddress } = parsed.value;
  const clientFollowsRedirectUrl = !/thunderbird/i.test(req.headers['user-agent'] ?? '');
  return discoverAddress(discover, { schema, clientFollowsRedirectUrl }, emailAddress);
}
