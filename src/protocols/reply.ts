import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response, Router } from 'express';
import type { ExpressBridge } from '../http/express-bridge';
import type { NodeHandler } from '../http/fast-lane';
import type { RequestLimiter } from '../http/rate-limit';
import { sendAnswer, type Answer } from '../http/answer';
import { clientErrorStatusOf } from '../http/client-error-status';
import { recordOutcome, type RequestOutcome } from '../http/request-outcome';
import { rateLimitMiddleware } from '../http/rate-limit';

/** Logs an outcome and sends its answer: the last step of every discovery request. */
export type Reply<Outcome> = (res: ServerResponse, outcome: Outcome) => void;

export function createReply<Outcome>(
  answerOf: (outcome: Outcome) => Answer,
  loggedAs: (outcome: Outcome) => RequestOutcome,
): Reply<Outcome> {
  return (res, outcome) => {
    recordOutcome(res, loggedAs(outcome));
    sendAnswer(res, answerOf(outcome));
  };
}

/**
 * Puts the shared per-IP limiter in front of a protocol's paths (every method, like the paths
 * themselves), answering in that protocol's format. One limiter for all: one budget per IP.
 * Returns the middleware, for the protocol's fast-lane routes: none when rate limiting is off.
 */
export function limitRate(
  router: Router,
  paths: readonly string[],
  limiter: RequestLimiter | null,
  reply: Reply<{ readonly kind: 'rate-limited'; readonly retryAfterSeconds: number }>,
  bridge: ExpressBridge,
): NodeHandler[] {
  if (limiter === null) return [];
  const middleware = rateLimitMiddleware(limiter, bridge.clientAddress, (res, retryAfterSeconds) => {
    reply(res, { kind: 'rate-limited', retryAfterSeconds });
  });
  router.use([...paths], middleware);
  return [middleware];
}

/** A POST protocol's refusals before it reads anything: the method, or the body the reader refused. */
type BodyRefusal = {
  readonly kind: 'invalid-request';
  readonly invalid: { readonly kind: 'not-a-post' } | { readonly kind: 'body-refused'; readonly refusedStatus: number };
};

/**
 * For a protocol that takes a POST body (Autodiscover POX and SOAP): every other method on its
 * paths gets its `not-a-post` answer, and a body the reader refused (too large, aborted,
 * compressed) its `body-refused` answer with the reader's 4xx. Returns the error handler, for the
 * protocol's fast-lane route.
 */
export function answerRefusals(
  router: Router,
  paths: readonly string[],
  reply: Reply<BodyRefusal>,
): (error: unknown, req: Request, res: Response, next: NextFunction) => void {
  router.all([...paths], (_req: Request, res: Response) => {
    reply(res, { kind: 'invalid-request', invalid: { kind: 'not-a-post' } });
  });
  const answerRefusedBody = (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    const refusedStatus = clientErrorStatusOf(error);
    if (refusedStatus === null) {
      next(error);
      return;
    }
    reply(res, { kind: 'invalid-request', invalid: { kind: 'body-refused', refusedStatus } });
  };
  router.use([...paths], answerRefusedBody);
  return answerRefusedBody;
}
