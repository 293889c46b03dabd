import type { Response } from 'express';

/** Per-user answers must not be kept by shared caches or proxies. */
export function sendPerUserAnswer(res: Response, status: number, contentType: string, body: string): void {
  res.status(status).set('Cache-Control', 'no-store').type(contentType).send(body);
}
