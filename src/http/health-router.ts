import express, { type Router } from 'express';

/** Liveness only: the process answers. Readiness of Redis and the directory comes with those backends. */
export function createHealthRouter(): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  return router;
}
