/**
 * A baseline for the HTTP bench, run as its own process by bench/http-targets.ts:
 * `node --import tsx bench/bare-server.ts <spec.json>`. It serves constant answers (the service's
 * own bodies and static headers, so the same bytes) with `res.writeHead(200, headers); res.end(body)`,
 * either from a bare Express app (the repo's Express, etag off, one route per endpoint) or from a bare
 * `node:http` server (one Map lookup per request). It never reads the request body.
 */
import { readFileSync } from 'node:fs';
import { createServer, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import express from 'express';
import { z } from 'zod';

const routeSchema = z.strictObject({
  method: z.enum(['GET', 'POST']),
  path: z.string().startsWith('/'),
  headers: z.record(z.string(), z.string()),
  bodyBase64: z.string(),
});

export const bareServerSpecSchema = z.strictObject({
  kind: z.enum(['express', 'node-http']),
  host: z.string(),
  port: z.int().min(1).max(65_535),
  routes: z.array(routeSchema),
});

export type BareServerSpec = z.infer<typeof bareServerSpecSchema>;

interface ConstantAnswer {
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
}

function answerOf(route: BareServerSpec['routes'][number]): ConstantAnswer {
  const body = Buffer.from(route.bodyBase64, 'base64');
  return { headers: { ...route.headers, 'content-length': body.length }, body };
}

function send(res: ServerResponse, answer: ConstantAnswer): void {
  res.writeHead(200, answer.headers);
  res.end(answer.body);
}

function serveWithExpress(spec: BareServerSpec): void {
  const app = express();
  app.set('etag', false);
  for (const route of spec.routes) {
    const answer = answerOf(route);
    if (route.method === 'GET') app.get(route.path, (_req, res) => send(res, answer));
    else app.post(route.path, (_req, res) => send(res, answer));
  }
  app.listen(spec.port, spec.host);
}

function serveWithNodeHttp(spec: BareServerSpec): void {
  const answers = new Map(spec.routes.map((route) => [`${route.method} ${route.path}`, answerOf(route)]));
  createServer((req, res) => {
    const answer = answers.get(`${req.method ?? ''} ${req.url ?? ''}`);
    if (answer === undefined) {
      res.writeHead(404).end();
      return;
    }
    send(res, answer);
  }).listen(spec.port, spec.host);
}

if (require.main === module) {
  const specFile = process.argv[2];
  if (specFile === undefined) throw new Error('usage: bare-server.ts <spec.json>');
  const spec = bareServerSpecSchema.parse(JSON.parse(readFileSync(specFile, 'utf8')));
  if (spec.kind === 'express') serveWithExpress(spec);
  else serveWithNodeHttp(spec);
}
