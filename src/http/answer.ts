import type { Response } from 'express';

/** One complete HTTP answer: what every protocol's answer table returns and sendAnswer writes. */
export interface Answer {
  readonly status: number;
  readonly contentType: string;
  /** A Buffer keeps Express from appending "; charset=utf-8" to the content type. */
  readonly body: string | Buffer;
  /** Sent as Retry-After (whole seconds): the client may ask again after this long. */
  readonly retryAfterSeconds?: number;
  /** Sent as Content-Disposition: attachment with this file name (quoted and encoded by Express). */
  readonly attachmentFilename?: string;
}

/** Every discovery answer is per user (or says nothing worth keeping): shared caches must not keep it. */
export function sendAnswer(res: Response, answer: Answer): void {
  res.status(answer.status);
  if (answer.retryAfterSeconds !== undefined) res.set('Retry-After', String(answer.retryAfterSeconds));
  if (answer.attachmentFilename !== undefined) res.attachment(answer.attachmentFilename);
  res.set('Cache-Control', 'no-store').type(answer.contentType).send(answer.body);
}

/** A short line of plain text, for the formats that have no error body of their own (autoconfig, profiles). */
export function plainTextAnswer(status: number, message: string, retryAfterSeconds?: number): Answer {
  return {
    status,
    contentType: 'text/plain',
    body: `${message}\n`,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  };
}
