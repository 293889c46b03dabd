import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import type { Readiness } from '../health/readiness';
import { sendAnswer, type Answer } from './answer';
import type { ProtocolRoutes } from './fast-lane';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const ALIVE: Answer = { status: 200, contentType: JSON_CONTENT_TYPE, body: '{"status":"ok"}' };

/**
 * `/healthz`: liveness only, the process answers (restart it if not). `/readyz`: readiness, the
 * account directory answers and the process is not draining (send it traffic); Redis is reported but
 * never makes it unready, since answers only get slower without it (README "Observe").
 */
export function createHealthRoutes(readiness: Readiness | null = null): ProtocolRoutes {
  const router = express.Router();
  const alive = (_req: IncomingMessage, res: ServerResponse): void => sendAnswer(res, ALIVE);
  router.get('/healthz', alive);
  if (readiness === null) return { router, fastRoutes: [{ method: 'GET', paths: ['/healthz'], handlers: [alive] }] };
  const ready = async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { ready: isReady, report } = await readiness.check();
    sendAnswer(res, { status: isReady ? 200 : 503, contentType: JSON_CONTENT_TYPE, body: JSON.stringify(report) });
  };
  router.get('/readyz', ready);
  return {
    router,
    fastRoutes: [
      { method: 'GET', paths: ['/healthz'], handlers: [alive] },
      { method: 'GET', paths: ['/readyz'], handlers: [ready] },
    ],
  };
}

/** Liveness only (tests of the routes that need no readiness). */
export function createHealthRouter(): Router {
  return createHealthRoutes().router;
}
