import type { ServerResponse } from 'node:http';
import express from 'express';
import type { ExpressBridge } from '../../http/express-bridge';
import type { ProtocolRoutes } from '../../http/fast-lane';
import type { RequestLimiter } from '../../http/rate-limit';
import { domainTarget, type Discover } from '../../discovery/discover';
import type { RequestOutcome } from '../../http/request-outcome';
import { parseDomainName } from '../../model/email-address';
import { RecentlyUsed, RECENT_ANSWERS_KEPT } from '../../model/remember';
import type { Result } from '../../model/result';
import { readBodyWithin, type RequestWithBody } from '../../http/read-body';
import { discoverAddress, discoverTarget, loggedOutcomeOf } from '../protocol-outcome';
import { answerRefusals, createReply, limitRate } from '../reply';
import { redirectPlainHttp } from '../plain-http-redirect';
import { createSoapAnswers, type DomainDiscovery, type SoapOutcome, type UserDiscovery } from './answers';
import { parseSoapAutodiscoverRequest, type SoapAutodiscoverRequest, type SoapRequestProblem } from './parse-request';
import { AUTODISCOVER_SOAP_PATH, AUTODISCOVER_SOAP_PATHS } from './paths';

export interface AutodiscoverSoapRouterDeps {
  readonly discover: Discover;
  readonly maxBodyBytes: number;
  /** When set, plain-HTTP requests are redirected here (GET 302, POST 307): exchangelib's port-80 step. */
  readonly plainHttpRedirectUrl: string | null;
  /** The per-IP limiter every discovery path shares; null when rate limiting is off. */
  readonly rateLimiter: RequestLimiter | null;
  /** The client's address for the limiter (express-bridge.ts). */
  readonly express: ExpressBridge;
}

/**
 * POST /autodiscover/autodiscover.svc (and …/wssecurity): SOAP Autodiscover GetUserSettings and
 * GetDomainSettings for the EWS libraries (EWS Managed API, ews-javascript-api, exchangelib). No
 * credentials are checked, so the unauthenticated probe these clients send first gets its 200.
 */
export function createAutodiscoverSoapRoutes(deps: AutodiscoverSoapRouterDeps): ProtocolRoutes {
  const router = express.Router();
  const reply = createReply(createSoapAnswers(), loggedSoapOutcome);
  // router.use matches by prefix: the WS-Security path is limited along with the plain one.
  const limit = limitRate(router, [AUTODISCOVER_SOAP_PATH], deps.rateLimiter, reply, deps.express);
  // Any Content-Type (clients send text/xml, some add a charset or action parameter); no compressed bodies.
  const readBody = readBodyWithin(deps.maxBodyBytes);

  const paths = [...AUTODISCOVER_SOAP_PATHS];
  const redirect = redirectPlainHttp(router, paths, deps.plainHttpRedirectUrl, 'autodiscover-soap', deps.express);

  const answer = async (req: RequestWithBody, res: ServerResponse): Promise<void> => {
    reply(res, await soapOutcome(req, deps.discover));
  };
  router.post(paths, readBody, answer);
  // Other methods, and a body too large, aborted or compressed: a SOAP fault with a 4xx.
  const answerRefusedBody = answerRefusals(router, paths, reply);

  return {
    router,
    fastRoutes: [
      {
        method: 'POST',
        paths,
        handlers: [...limit, ...redirect, readBody, answer],
        errorHandlers: [answerRefusedBody],
      },
    ],
  };
}

/** Real requests are under 2 KiB; larger bodies are parsed every time, so the memo stays small. */
const REMEMBERED_BODY_BYTES = 2048;
const recentBodies = new RecentlyUsed<Result<SoapAutodiscoverRequest, SoapRequestProblem>>(RECENT_ANSWERS_KEPT);

/** parseSoapAutodiscoverRequest, remembered by the body's bytes (a client asks with the same body each time). */
function parseBody(body: Buffer): Result<SoapAutodiscoverRequest, SoapRequestProblem> {
  if (body.length > REMEMBERED_BODY_BYTES) return parseSoapAutodiscoverRequest(body);
  return recentBodies.get(body.toString('latin1'), () => parseSoapAutodiscoverRequest(body));
}

async function soapOutcome(req: RequestWithBody, discover: Discover): Promise<SoapOutcome> {
  const parsed = parseBody(req.body ?? Buffer.alloc(0));
  if (!parsed.ok) return { kind: 'invalid-request', invalid: parsed.error };
  const request = parsed.value;
  if (request.operation === 'GetUserSettings') {
    const users = await Promise.all(
      request.mailboxes.map((mailbox): Promise<UserDiscovery> => discoverAddress(discover, null, mailbox)),
    );
    return { kind: 'user-settings', requested: request.settings, users };
  }
  const domains = await Promise.all(request.domains.map((domain) => discoverDomain(discover, domain)));
  return { kind: 'domain-settings', requested: request.settings, domains };
}

function discoverDomain(discover: Discover, text: string): Promise<DomainDiscovery> {
  const domain = parseDomainName(text);
  if (!domain.ok) return Promise.resolve({ kind: 'invalid-address', request: null, addressError: domain.error });
  return discoverTarget(discover, null, domainTarget(domain.value.ascii));
}

/**
 * The log line's account: the request's first user (or domain), which is the only one in nearly
 * every request; never a local part.
 */
function loggedSoapOutcome(outcome: SoapOutcome): RequestOutcome {
  switch (outcome.kind) {
    case 'invalid-request': {
      const { invalid } = outcome;
      return {
        protocol: 'autodiscover-soap',
        outcome: 'invalid-request',
        problem: invalid.kind,
        ...(invalid.kind === 'body-refused' ? { refusedStatus: invalid.refusedStatus } : {}),
      };
    }
    case 'rate-limited':
      return { protocol: 'autodiscover-soap', outcome: 'rate-limited' };
    case 'user-settings':
      return loggedSubject(outcome.users[0], 'GetUserSettings');
    case 'domain-settings':
      return loggedSubject(outcome.domains[0], 'GetDomainSettings');
  }
}

function loggedSubject(
  subject: UserDiscovery | DomainDiscovery | undefined,
  operation: 'GetUserSettings' | 'GetDomainSettings',
): RequestOutcome {
  // The parser refuses a request naming nobody, so there is always a first one.
  if (subject === undefined)
    return { protocol: 'autodiscover-soap', outcome: 'invalid-request', problem: 'invalid-soap-request' };
  return loggedOutcomeOf('autodiscover-soap', subject, () => operation);
}
