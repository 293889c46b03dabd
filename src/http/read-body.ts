import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction } from 'express';
import type { NodeHandler } from './fast-lane';
import { setHeaderAfterPreamble } from './preamble';

/** A request whose body readBodyWithin has read: `body` is undefined when the request had none. */
export type RequestWithBody = IncomingMessage & { body?: Buffer };

/** A refused body's error, shaped as body-parser's (a 4xx `status`), for the routes' error handlers. */
export class BodyRefused extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BodyRefused';
  }
}

/**
 * Reads the request body into `req.body` (a Buffer; left undefined when the request has none), at
 * most `maxBytes`. Written here instead of body-parser's express.raw/json because body-parser reads
 * off the whole request before it reports a refused body (its read.js `dump`), so a client declaring
 * `Content-Length: 1000000000` was drained until the request timeout before getting its 413.
 *
 * Here a body is refused as soon as it is known to be over the cap: from the Content-Length header
 * before any of it is read, or the moment a chunked body passes the cap, and its answer closes the
 * connection (closeIfBodyUnread).
 * Compressed bodies are refused (415): nothing sends them, and inflating one is a bomb's way in.
 */
export function readBodyWithin(maxBytes: number): NodeHandler<RequestWithBody> {
  return (req, res, next: NextFunction): void => {
    if (!hasBody(req)) {
      next();
      return;
    }
    const refuse = (refusal: BodyRefused): void => {
      closeIfBodyUnread(req, res);
      next(refusal);
    };
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      refuse(new BodyRefused(415, 'content encoding unsupported'));
      return;
    }
    if (declaresMoreThan(req, maxBytes)) {
      refuse(new BodyRefused(413, 'request entity too large'));
      return;
    }

    const chunks: Buffer[] = [];
    let received = 0;
    const stopReading = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      stopReading();
      req.pause();
      refuse(new BodyRefused(413, 'request entity too large'));
    };
    const onEnd = (): void => {
      stopReading();
      req.body = Buffer.concat(chunks, received);
      next();
    };
    // 'close' before 'end': the client went away mid-body; nobody reads the answer, but the request ends.
    const onClose = (): void => {
      stopReading();
      refuse(new BodyRefused(400, 'request aborted'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
  };
}

/**
 * Marks the answer `Connection: close` when the request's body has not all been read. Node otherwise
 * keeps the connection alive by reading off the rest of the body after the answer
 * (node:_http_server resOnFinish calls req._dump()), for as long as the client sends it: a client
 * declaring a gigabyte, or streaming chunks, held the socket and a share of the CPU until the request
 * timeout. With `Connection: close` Node ends and destroys the socket once the answer is written.
 * Called by every answer that may come before the body is read (refusals, rate limit, redirects, 401, 404).
 */
export function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  if (bodyUnread(req, res)) setHeaderAfterPreamble(res, 'Connection', 'close');
}

/** The request has a body not all read, and the answer is still to be written (closeIfBodyUnread). */
export function bodyUnread(req: IncomingMessage, res: ServerResponse): boolean {
  return !req.complete && hasBody(req) && !res.headersSent;
}

/** The request's Content-Length says the body is over `maxBytes` (read-body and Expect: 100-continue). */
export function declaresMoreThan(req: IncomingMessage, maxBytes: number): boolean {
  return Number(req.headers['content-length']) > maxBytes;
}

/** As type-is's hasBody, which body-parser asks: a body is framed by Transfer-Encoding or Content-Length. */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || !Number.isNaN(Number(req.headers['content-length']));
}
