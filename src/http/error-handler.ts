import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { clientErrorStatusOf } from './client-error-status';
import { requestIdOf } from './logger';
import { closeIfBodyUnread } from './read-body';

/** Unknown paths: plain 404, no framework page. */
export function notFound(req: Request, res: Response): void {
  closeIfBodyUnread(req, res);
  res.status(404).type('text/plain').send('Not found.\n');
}

/**
 * Last resort: client errors from body parsing keep their 4xx; anything else is logged once with
 * the request id and answered without a stack trace.
 */
export function createErrorHandler(logger: Logger) {
  return function errorHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
    closeIfBodyUnread(req, res);
    const status = clientErrorStatusOf(error);
    if (status !== null) {
      res.status(status).type('text/plain').send('Bad request.\n');
      return;
    }
    const requestId = requestIdOf(req);
    logger.error({ err: error, reqId: requestId }, 'unhandled error');
    if (res.headersSent) return;
    res
      .status(500)
      .type('text/plain')
      .send(`Internal error (request ${requestId ?? 'unknown'}).\n`);
  };
}
