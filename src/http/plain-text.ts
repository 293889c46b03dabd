import type { Response } from 'express';

/** Short plain-text answers for the endpoints whose formats have no error body (autoconfig, profiles). */
export function sendPlainText(res: Response, status: number, message: string): void {
  res.status(status).set('Cache-Control', 'no-store').type('text/plain').send(`${message}\n`);
}

export const DIRECTORY_UNAVAILABLE_RETRY_SECONDS = 30;

export function sendDirectoryUnavailable(res: Response): void {
  res.set('Retry-After', String(DIRECTORY_UNAVAILABLE_RETRY_SECONDS));
  sendPlainText(res, 503, 'The account directory cannot be reached; try again later.');
}
