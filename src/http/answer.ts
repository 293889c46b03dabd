import type { ServerResponse } from 'node:http';
import { create as contentDisposition } from 'content-disposition';
import { rememberByText } from '../model/remember';
import { type FlatHeaders, writeHeadWithPreamble } from './preamble';
import { bodyUnread } from './read-body';

/** One complete HTTP answer: what every protocol's answer table returns and sendAnswer writes. */
export interface Answer {
  readonly status: number;
  /** The Content-Type header exactly as sent: a text type names its charset (utf-8). */
  readonly contentType: string;
  /** A string is sent as UTF-8. */
  readonly body: string | Buffer;
  /** Sent as Retry-After (whole seconds): the client may ask again after this long. */
  readonly retryAfterSeconds?: number;
  /** Sent as Content-Disposition: attachment with this file name (quoted and encoded by content-disposition). */
  readonly attachmentFilename?: string;
  /** Cache-Control; `no-store` unless set: only what is the same for everyone (a style sheet) may be kept. */
  readonly cacheControl?: string;
  /** A protocol's own headers (name, value, name, value, …), sent after the ones above. */
  readonly protocolHeaders?: readonly string[];
}

/** content-disposition's header value, remembered by file name (a profile's name is its domain's). */
const contentDispositionOf = rememberByText(contentDisposition);

/** The plain-text content type, with the charset a string body is sent in. */
export const PLAIN_TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';

/**
 * Every discovery answer is per user (or says nothing worth keeping): shared caches must not keep it.
 * Written with Node's own calls, so the Express routes and the fast lane (fast-lane.ts) send the same
 * bytes, and nothing is added by the way: no ETag, no conditional 304, no charset appended. The
 * answer preamble (X-Request-Id, security headers: preamble.ts) goes first, in the same writeHead; a
 * HEAD request gets the headers only (Node leaves the body out). An answer before the body is read
 * closes the connection.
 */
export function sendAnswer(res: ServerResponse, answer: Answer): void {
  const { body } = answer;
  const headers: FlatHeaders = bodyUnread(res.req, res) ? ['Connection', 'close'] : [];
  if (answer.retryAfterSeconds !== undefined) headers.push('Retry-After', String(answer.retryAfterSeconds));
  if (answer.attachmentFilename !== undefined)
    headers.push('Content-Disposition', contentDispositionOf(answer.attachmentFilename));
  if (answer.protocolHeaders !== undefined) headers.push(...answer.protocolHeaders);
  headers.push(
    'Cache-Control',
    answer.cacheControl ?? 'no-store',
    'Content-Type',
    answer.contentType,
    'Content-Length',
    typeof body === 'string' ? Buffer.byteLength(body) : body.length,
  );
  writeHeadWithPreamble(res, answer.status, headers);
  res.end(body);
}

/** A short line of plain text, for the formats that have no error body of their own (autoconfig, profiles). */
export function plainTextAnswer(status: number, message: string, retryAfterSeconds?: number): Answer {
  return {
    status,
    contentType: PLAIN_TEXT_CONTENT_TYPE,
    body: `${message}\n`,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  };
}
