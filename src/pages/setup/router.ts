import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import type { Discover } from '../../discovery/discover';
import { sendAnswer } from '../../http/answer';
import type { ExpressBridge } from '../../http/express-bridge';
import { removeFromPreamble } from '../../http/preamble';
import { queryAddress, queryParam, type DecodedText } from '../../http/query-param';
import { rateLimitMiddleware, type RequestLimiter } from '../../http/rate-limit';
import { recordOutcome } from '../../http/request-outcome';
import { discoverDecodedAddress, loggedOutcomeOf } from '../../protocols/protocol-outcome';
import { answerSetupPage } from './answers';
import { setupPageContentSecurityPolicy } from './content-security-policy';
import { chooseLanguage, type SetupLanguage } from './language';
import { SETUP_PAGE_PATH, SETUP_STYLESHEET_PATH } from './paths';
import type { SetupPageSite, SetupPageView } from './render';
import { SETUP_STYLESHEET } from './stylesheet';

export interface SetupPageRouterDeps {
  readonly discover: Discover;
  readonly site: SetupPageSite;
  /** The per-IP limiter every discovery path shares (one budget); null when rate limiting is off. */
  readonly rateLimiter: RequestLimiter | null;
  readonly express: ExpressBridge;
}

/** Longest part of what was typed that the page fills back into the field (a valid address is at most 254). */
const ECHOED_CHARACTERS = 320;

function languageOf(req: IncomingMessage): SetupLanguage {
  return chooseLanguage(queryParam(req, 'lang'), req.headers['accept-language']);
}

/** What the person typed, for the field: as decoded, or as sent when it does not decode; cut short. */
function typedOf(address: DecodedText | undefined): string | null {
  if (address === undefined) return null;
  return (address.ok ? address.value : address.error.asSent).slice(0, ECHOED_CHARACTERS);
}

/**
 * GET / (and `?address=…&lang=en|da`): the setup page for people (docs/protocols.md §13), and
 * GET /setup/setup.css, its style sheet. Settings come from discover() like every protocol's, so a
 * mailbox nobody listed sees its domain's default and the page never tells whether it exists.
 */
export function createSetupPageRouter(deps: SetupPageRouterDeps): Router {
  const router = express.Router();
  const contentSecurityPolicy = setupPageContentSecurityPolicy();
  const reply = (res: ServerResponse, view: SetupPageView): void => {
    const { outcome } = view;
    recordOutcome(
      res,
      outcome.kind === 'form' ? { protocol: 'setup-page', outcome: 'form' } : loggedOutcomeOf('setup-page', outcome),
    );
    // The service's default CSP allows nothing, not even the page's style sheet: this page has its own.
    removeFromPreamble(res, 'Content-Security-Policy');
    sendAnswer(res, answerSetupPage(view, deps.site, contentSecurityPolicy));
  };
  const limit =
    deps.rateLimiter === null
      ? []
      : [
          rateLimitMiddleware(deps.rateLimiter, deps.express.clientAddress, (res, retryAfterSeconds) => {
            reply(res, {
              language: languageOf(res.req),
              typed: typedOf(queryAddress(res.req, 'address')),
              outcome: { kind: 'rate-limited', retryAfterSeconds },
            });
          }),
        ];
  router.get(SETUP_PAGE_PATH, ...limit, async (req: IncomingMessage, res: ServerResponse) => {
    const language = languageOf(req);
    const address = queryAddress(req, 'address');
    if (address === undefined) {
      reply(res, { language, typed: null, outcome: { kind: 'form' } });
      return;
    }
    const outcome = await discoverDecodedAddress(deps.discover, null, address);
    reply(res, { language, typed: typedOf(address), outcome });
  });
  router.get(SETUP_STYLESHEET_PATH, (_req: IncomingMessage, res: ServerResponse) => {
    sendAnswer(res, {
      status: 200,
      contentType: 'text/css; charset=utf-8',
      body: SETUP_STYLESHEET,
      // The same for everyone; an hour keeps a deploy's new style sheet from waiting long.
      cacheControl: 'public, max-age=3600',
    });
  });
  return router;
}
