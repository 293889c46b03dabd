import express, { type Request, type Response, type Router } from 'express';
import type { Discover } from '../../discovery/discover';
import { ADDRESS_ERROR_MESSAGES, parseEmailAddress } from '../../model/email-address';
import { sendPerUserAnswer } from '../../http/no-store';
import { recordOutcome } from '../../http/outcome';
import { DIRECTORY_UNAVAILABLE_RETRY_SECONDS } from '../../http/plain-text';
import { queryParam } from '../../http/query';
import {
  AUTODISCOVER_JSON_ADDRESS_PATH,
  AUTODISCOVER_JSON_CONTENT_TYPE,
  AUTODISCOVER_JSON_PATH,
  AUTODISCOVER_JSON_VERSION_PATH,
} from './paths';
import {
  answerJsonProtocol,
  invalidProtocol,
  JSON_ERRORS,
  JSON_PROTOCOLS,
  parseJsonProtocol,
  type JsonAnswer,
} from './render';

export interface AutodiscoverJsonRouterDeps {
  readonly discover: Discover;
  /** This service's POX URL, returned for Protocol=AutodiscoverV1. */
  readonly autodiscoverUrl: string;
}

export function createAutodiscoverJsonRouter(deps: AutodiscoverJsonRouterDeps): Router {
  const router = express.Router();
  const handle = async (req: Request, res: Response, addressText: string | undefined): Promise<void> => {
    const answer = await answerFor(deps, res, addressText ?? '', queryParam(req, 'Protocol') ?? '');
    // The directory is away: like the other endpoints' 503, say when to try again.
    if (answer.status === 503) res.set('Retry-After', String(DIRECTORY_UNAVAILABLE_RETRY_SECONDS));
    sendPerUserAnswer(res, answer.status, AUTODISCOVER_JSON_CONTENT_TYPE, JSON.stringify(answer.body));
  };
  router.get(AUTODISCOVER_JSON_ADDRESS_PATH, (req, res) => handle(req, res, req.params['address']));
  router.get([AUTODISCOVER_JSON_PATH, AUTODISCOVER_JSON_VERSION_PATH], (req, res) =>
    handle(req, res, queryParam(req, 'Email')),
  );
  return router;
}

async function answerFor(
  deps: AutodiscoverJsonRouterDeps,
  res: Response,
  addressText: string,
  protocolText: string,
): Promise<JsonAnswer> {
  if (parseJsonProtocol(protocolText) === null) {
    recordOutcome(res, { protocol: 'autodiscover-json', outcome: 'invalid-protocol' });
    return invalidProtocol(protocolText, JSON_PROTOCOLS);
  }
  const address = parseEmailAddress(addressText);
  if (!address.ok) {
    recordOutcome(res, { protocol: 'autodiscover-json', outcome: `invalid-address:${address.error}` });
    return JSON_ERRORS.invalidAddress(ADDRESS_ERROR_MESSAGES[address.error]);
  }
  const domain = address.value.domain;
  const discovery = await deps.discover({ address: address.value });
  if (discovery.status === 'unavailable') {
    recordOutcome(res, { protocol: 'autodiscover-json', outcome: 'directory-unavailable', domain });
    return JSON_ERRORS.unavailable();
  }
  if (discovery.status === 'not-hosted') {
    recordOutcome(res, { protocol: 'autodiscover-json', outcome: 'not-hosted', domain });
    return JSON_ERRORS.notHosted();
  }
  const answer = answerJsonProtocol(discovery.settings, protocolText, deps.autodiscoverUrl);
  recordOutcome(res, {
    protocol: 'autodiscover-json',
    outcome: answer.status === 200 ? 'settings' : 'protocol-not-offered',
    domain,
    accessType: discovery.settings.accessType,
  });
  return answer;
}
