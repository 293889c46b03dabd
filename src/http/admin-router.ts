import { clientErrorStatusOf } from './client-error-status';
import { BodyRefused, closeIfBodyUnread, readBodyWithin } from './read-body';
import { bearerTokenChecker } from './bearer-token';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Logger } from 'pino';
import type { InvalidatableDirectory } from '../cache/cached-directory';
import {
  ADMIN_INVALIDATE_PATH,
  domainOfTarget,
  INVALIDATION_TARGET_EXAMPLE,
  parseInvalidationTarget,
} from '../cache/invalidation-target';

const MAX_ADMIN_BODY_BYTES = 1024;

export interface AdminRouterDeps {
  /** Bearer token (config `admin.token`, env ADMIN_TOKEN); validated at start-up. */
  readonly token: string;
  /** Its invalidate drops cached answers on every instance; rejects when the shared cache cannot be reached. */
  readonly directory: Pick<InvalidatableDirectory, 'invalidate'>;
  readonly logger: Logger;
}

/**
 * The admin API, mounted only when a token is configured:
 *   POST /admin/cache/invalidate  Authorization: Bearer <token>  {"address": "..."} | {"domain": "..."}
 * 200 {"invalidated": {...}}; 400 bad input; 401 missing or wrong token; 429 after too many wrong tokens
 * from one address; 503 cache unreachable.
 * Errors are JSON {"error": "<Code>", "message": "<what to do>"}.
 */
export function createAdminRouter(deps: AdminRouterDeps): Router {
  const checkToken = bearerTokenChecker(deps.token);
  const router = express.Router();

  // Wrong tokens per client IP: past the budget, every attempt (even the right token) waits out the window.
  const failures = new RateLimiterMemory({ points: ADMIN_FAILED_ATTEMPTS, duration: ADMIN_FAILURE_WINDOW_SECONDS });

  const authenticate = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const client = req.ip ?? 'unknown';
    const spent = await failures.get(client);
    if (spent !== null && spent.consumedPoints >= ADMIN_FAILED_ATTEMPTS) {
      refuseAfterFailures(res, spent.msBeforeNext);
      return;
    }
    const verdict = checkToken(req.get('authorization'));
    if (verdict === 'ok') {
      next();
      return;
    }
    await failures.consume(client).catch(() => undefined); // over budget: the next attempt is refused above
    res.set(
      'WWW-Authenticate',
      `Bearer realm="mail-autodiscover admin"${verdict === 'missing' ? '' : ', error="invalid_token"'}`,
    );
    sendError(
      res,
      401,
      verdict === 'missing' ? 'AuthenticationRequired' : 'InvalidToken',
      verdict === 'missing' ? 'send the admin token as "Authorization: Bearer <token>"' : 'the admin token is wrong',
    );
  };

  router.post(
    ADMIN_INVALIDATE_PATH,
    authenticate,
    readBodyWithin(MAX_ADMIN_BODY_BYTES),
    parseJsonBody,
    async (req: Request, res: Response) => {
      const target = parseInvalidationTarget(req.body);
      if (!target.ok) {
        sendError(res, 400, 'InputValidationError', target.error);
        return;
      }
      const domain = domainOfTarget(target.value);
      // Logged as "mailbox" or "domain", never the address: it is personal data.
      const what = 'address' in target.value ? 'mailbox' : 'domain';
      try {
        await deps.directory.invalidate(target.value);
      } catch (error) {
        deps.logger.warn({ err: error, scope: what, domain }, 'admin: cache invalidation failed');
        sendError(
          res,
          503,
          'CacheUnavailable',
          'the shared cache could not be reached, so nothing was dropped; retry when it is back (entries expire after cache.ttlSeconds anyway)',
        );
        return;
      }
      deps.logger.info({ scope: what, domain }, 'admin: cached answers invalidated');
      res.status(200).set('Cache-Control', 'no-store').json({ invalidated: target.value });
    },
  );

  // Body refusals (malformed JSON, too large) answered in this API's own format.
  router.use(ADMIN_INVALIDATE_PATH, (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = clientErrorStatusOf(error);
    if (status === null) {
      next(error);
      return;
    }
    sendError(
      res,
      status,
      'InputValidationError',
      status === 413 ? 'the body is larger than 1 KiB' : `the body is not valid JSON; ${INVALIDATION_TARGET_EXAMPLE}`,
    );
  });
  return router;
}

/** Wrong admin tokens a client IP may send per window (in this instance's memory), then 429 until it ends. */
export const ADMIN_FAILED_ATTEMPTS = 10;
export const ADMIN_FAILURE_WINDOW_SECONDS = 60;

function refuseAfterFailures(res: Response, msBeforeNext: number): void {
  res.set('Retry-After', String(Math.max(1, Math.ceil(msBeforeNext / 1000))));
  sendError(
    res,
    429,
    'TooManyFailedAttempts',
    `more than ${ADMIN_FAILED_ATTEMPTS} wrong tokens from this address in ${ADMIN_FAILURE_WINDOW_SECONDS} s; wait for Retry-After`,
  );
}

/**
 * The body read, parsed as express.json would: left undefined unless the Content-Type says JSON, and
 * (its strict mode) only an object or an array at the top; anything else is a 400.
 */
function parseJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const body: unknown = req.body;
  req.body = undefined;
  if (!Buffer.isBuffer(body) || req.is('application/json') !== 'application/json') {
    next();
    return;
  }
  const text = body.toString('utf8');
  if (!/^\s*[{[]/.test(text)) {
    next(new BodyRefused(400, 'the body is neither a JSON object nor an array'));
    return;
  }
  try {
    req.body = JSON.parse(text) as unknown;
  } catch {
    next(new BodyRefused(400, 'malformed JSON'));
    return;
  }
  next();
}

function sendError(res: Response, status: number, error: string, message: string): void {
  closeIfBodyUnread(res.req, res);
  res.status(status).set('Cache-Control', 'no-store').json({ error, message });
}
