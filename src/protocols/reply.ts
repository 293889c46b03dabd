import type { ServerResponse } from 'node:http';
import type { Router } from 'express';
import type { ExpressBridge } from '../http/express-bridge';
import type { NodeHandler } from '../http/fast-lane';
import type { RequestLimiter } from '../http/rate-limit';
import { sendAnswer, type Answer } from '../http/answer';
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
