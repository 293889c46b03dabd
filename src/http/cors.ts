import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Router } from 'express';
import type { NodeHandler } from './fast-lane';
import { addToPreamble, writeHeadWithPreamble } from './preamble';

/**
 * Every answer on these paths may be read by a page of any origin: the answer is the same for
 * everyone who asks and carries no credentials. `*` is also what keeps credentials out: browsers
 * refuse a wildcard answer to a credentialed request, and we never send Allow-Credentials. Retry-After
 * is exposed so a browser client can honour a 429 or 503 (docs/protocols.md §6.8).
 */
const ANY_ORIGIN: readonly string[] = [
  'Access-Control-Allow-Origin',
  '*',
  'Access-Control-Expose-Headers',
  'Retry-After',
];

/**
 * The preflight answer (after ANY_ORIGIN): GET and HEAD, any request header (the wildcard does not
 * cover Authorization, which nothing here reads), cached by the browser for a day.
 */
const PREFLIGHT: readonly (string | number)[] = [
  'Access-Control-Allow-Methods',
  'GET, HEAD',
  'Access-Control-Allow-Headers',
  '*',
  'Access-Control-Max-Age',
  86400,
  'Allow',
  'GET, HEAD, OPTIONS',
  'Cache-Control',
  'no-store',
  'Content-Length',
  0,
];

function allowAnyOrigin(_req: IncomingMessage, res: ServerResponse, next: () => void): void {
  addToPreamble(res, ANY_ORIGIN);
  next();
}

function answerPreflight(_req: IncomingMessage, res: ServerResponse): void {
  writeHeadWithPreamble(res, 204, [...PREFLIGHT]);
  res.end();
}

/**
 * Opens public, credential-free answers to browser-based clients: every answer on `paths` (whatever
 * its status) says any origin may read it, and OPTIONS, the CORS preflight, gets 204 with what may be
 * asked. Register it on the protocol's router before its other middlewares (the rate limit's 429 is
 * then readable too) and put the returned handlers first in its fast-lane routes. Only for answers
 * that depend on nothing secret: never for the admin API.
 */
export function allowPublicCors(router: Router, paths: readonly string[]): NodeHandler[] {
  router.use([...paths], allowAnyOrigin);
  router.options([...paths], answerPreflight);
  return [allowAnyOrigin];
}
