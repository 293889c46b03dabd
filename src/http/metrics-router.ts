import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import { Registry } from 'prom-client';
import { plainTextAnswer, sendAnswer } from './answer';
import { bearerTokenChecker } from './bearer-token';
import { addToPreamble } from './preamble';

export const METRICS_PATH = '/metrics';

/** The exposition text of every metric: this process's registry, or the cluster's through its primary. */
export type MetricsSource = () => Promise<string>;

/**
 * GET /metrics in Prometheus text format, behind a bearer token when `metrics.token` is set. When the
 * metrics cannot be gathered (a cluster worker that does not answer the primary in time), 503.
 */
export function createMetricsRouter(source: MetricsSource, token: string | null): Router {
  const router = express.Router();
  const checkToken = token === null ? null : bearerTokenChecker(token);
  router.get(METRICS_PATH, async (req: IncomingMessage, res: ServerResponse) => {
    const verdict = checkToken?.(req.headers.authorization) ?? 'ok';
    if (verdict !== 'ok') {
      addToPreamble(res, [
        'WWW-Authenticate',
        `Bearer realm="mail-autodiscover metrics"${verdict === 'missing' ? '' : ', error="invalid_token"'}`,
      ]);
      sendAnswer(res, plainTextAnswer(401, 'send the metrics token as "Authorization: Bearer <token>"'));
      return;
    }
    let text: string;
    try {
      text = await source();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      sendAnswer(res, plainTextAnswer(503, `metrics not available now: ${reason}`, 5));
      return;
    }
    sendAnswer(res, { status: 200, contentType: Registry.PROMETHEUS_CONTENT_TYPE, body: text });
  });
  return router;
}

/** The server for `metrics.port`: `/metrics` alone, plain HTTP; everything else 404. */
export function createMetricsServer(source: MetricsSource, token: string | null): Server {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(createMetricsRouter(source, token));
  app.use((_req: IncomingMessage, res: ServerResponse) => sendAnswer(res, plainTextAnswer(404, 'not found')));
  return createServer(app);
}
