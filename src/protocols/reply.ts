import type { RequestHandler, Response, Router } from 'express';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { sendAnswer, type Answer } from '../http/answer';
import { recordOutcome, type RequestOutcome } from '../http/request-outcome';
import { rateLimitMiddleware } from '../http/rate-limit';

/** Logs an outcome and sends its answer: the last step of every discovery request. */
export type Reply<Outcome> = (res: Response, outcome: Outcome) => void;

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
  limiter: RateLimiterAbstract | null,
  reply: Reply<{ readonly kind: 'rate-limited'; readonly retryAfterSeconds: number }>,
): RequestHandler[] {
  if (limiter === null) return [];
  const middleware = rateLimitMiddleware(limiter, (res, retryAfterSeconds) => {
    reply(res, { kind: 'rate-limited', retryAfterSeconds });
  });
  router.use([...paths], middleware);
  return [middleware];
}
