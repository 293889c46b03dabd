import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import { sendAnswer, type Answer } from './answer';
import type { ProtocolRoutes } from './fast-lane';

const ALIVE: Answer = { status: 200, contentType: 'application/json; charset=utf-8', body: '{"status":"ok"}' };

/** Liveness only: the process answers. Readiness of Redis and the directory comes with those backends. */
export function createHealthRouter(): Router {
  return createHealthRoutes().router;
}

/** The router, and the same handler for the fast lane. */
export function createHealthRoutes(): ProtocolRoutes {
  const router = express.Router();
  const alive = (_req: IncomingMessage, res: ServerResponse): void => sendAnswer(res, ALIVE);
  router.get('/healthz', alive);
  return { router, fastRoutes: [{ method: 'GET', paths: ['/healthz'], handlers: [alive] }] };
}
