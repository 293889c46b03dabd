import { createHash, timingSafeEqual } from 'node:crypto';
import { clientErrorStatusOf } from './client-error';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { InvalidationScope } from '../cache/lookup-cache';
import { ADDRESS_ERROR_MESSAGES, parseDomainName, parseEmailAddress } from '../model/email-address';
import { err, ok, type Result } from '../model/result';

export const ADMIN_INVALIDATE_PATH = '/admin/cache/invalidate';

export interface AdminRouterDeps {
  /** Bearer token (config `admin.token`, env ADMIN_TOKEN); validated at start-up. */
  readonly token: string;
  /** Drops cached answers on every instance; rejects when the shared cache cannot be reached. */
  readonly invalidate: (scope: InvalidationScope) => Promise<void>;
  readonly logger: Logger;
}

/** What an invalidation request names, normalised: the address's lookup key or the ASCII domain. */
export type InvalidationTarget = { readonly address: string } | { readonly domain: string };

const EXAMPLE_BODY =
  'send a JSON object with exactly one of "address" or "domain", e.g. {"address": "jane@example.com"} or {"domain": "example.com"}';

/**
 * The admin API, mounted only when a token is configured:
 *   POST /admin/cache/invalidate  Authorization: Bearer <token>  {"address": "..."} | {"domain": "..."}
 * 200 {"invalidated": {...}}; 400 bad input; 401 missing or wrong token; 503 cache unreachable.
 * Errors are JSON {"error": "<Code>", "message": "<what to do>"}.
 */
export function createAdminRouter(deps: AdminRouterDeps): Router {
  const expectedDigest = digest(deps.token);
  const router = express.Router();

  const authenticate = (req: Request, res: Response, next: NextFunction): void => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expectedDigest)) return next();
    res.set(
      'WWW-Authenticate',
      `Bearer realm="mail-autodiscover admin"${match === null ? '' : ', error="invalid_token"'}`,
    );
    sendError(
      res,
      401,
      match === null ? 'AuthenticationRequired' : 'InvalidToken',
      match === null ? 'send the admin token as "Authorization: Bearer <token>"' : 'the admin token is wrong',
    );
  };

  router.post(
    ADMIN_INVALIDATE_PATH,
    authenticate,
    express.json({ limit: '1kb' }),
    async (req: Request, res: Response) => {
      const target = parseInvalidationTarget(req.body);
      if (!target.ok) {
        sendError(res, 400, 'InputValidationError', target.error);
        return;
      }
      const scope: InvalidationScope =
        'address' in target.value ? { mailbox: target.value.address } : { domain: target.value.domain };
      const domain =
        'address' in target.value
          ? target.value.address.slice(target.value.address.lastIndexOf('@') + 1)
          : target.value.domain;
      const what = 'address' in target.value ? 'mailbox' : 'domain';
      try {
        await deps.invalidate(scope);
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

  // Body-parser failures (malformed JSON, too large) answered in this API's own format.
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
      status === 413 ? 'the body is larger than 1 KiB' : `the body is not valid JSON; ${EXAMPLE_BODY}`,
    );
  });
  return router;
}

/** Validates the untrusted request body: exactly one of `address` or `domain`, each parsed as the discovery endpoints do. */
export function parseInvalidationTarget(body: unknown): Result<InvalidationTarget, string> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return err(`${EXAMPLE_BODY}, with Content-Type: application/json`);
  const fields = body as Record<string, unknown>;
  const unknownKeys = Object.keys(fields).filter((key) => key !== 'address' && key !== 'domain');
  if (unknownKeys.length > 0)
    return err(`unknown key(s) ${unknownKeys.map((key) => JSON.stringify(key)).join(', ')}; ${EXAMPLE_BODY}`);
  const { address, domain } = fields;
  if ((address === undefined) === (domain === undefined)) return err(EXAMPLE_BODY);
  if (address !== undefined) {
    if (typeof address !== 'string') return err('address must be a string such as "jane@example.com"');
    const parsed = parseEmailAddress(address);
    return parsed.ok
      ? ok({ address: parsed.value.lookupKey })
      : err(`address: ${ADDRESS_ERROR_MESSAGES[parsed.error]}`);
  }
  const parsed = typeof domain === 'string' ? parseDomainName(domain) : null;
  if (parsed === null || !parsed.ok)
    return err(`domain must be a domain name such as "example.com", got ${JSON.stringify(domain)}`);
  return ok({ domain: parsed.value.ascii });
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function sendError(res: Response, status: number, error: string, message: string): void {
  res.status(status).set('Cache-Control', 'no-store').json({ error, message });
}
