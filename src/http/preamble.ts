import http, { type ServerResponse } from 'node:http';
import type { Express } from 'express';

/**
 * The answer preamble: the headers every answer starts with (X-Request-Id, the security headers),
 * held on the response by the middlewares that choose them and written together with the answer's
 * own headers by one `writeHead(status, [name, value, …])` (sendAnswer, answer.ts).
 *
 * Why not setHeader: each call lower-cases the name, validates it and stores it in a per-response
 * dictionary, which writeHead then walks again; for the 16 headers of a discovery answer that was
 * about 43,000 instructions a request, a tenth of a cached answer (README "Where the time went";
 * bench/instructions.sh). writeHead with a flat list, on a response with no header set yet, validates
 * each header as setHeader would and writes it in one pass. The bytes on the wire do not change:
 * the same names in the same casing and order, preamble first.
 *
 * Every other way of writing an answer (Express's res.send, res.redirect, res.json, a bare
 * res.end) goes through ServerResponse's header methods; on an Express response of an app with the
 * preamble installed, each of them first sets the held headers with setHeader, in order, so they
 * still come first and no answer goes out without them. On a response of any other app, the
 * preamble is set with setHeader at once. The fast lane's plain responses (fast-lane.ts) have Node's
 * own methods: their handlers answer with sendAnswer, set a header of their own with
 * setHeaderAfterPreamble, or take Express objects (express-bridge.ts) first, which the security
 * header tests hold every kind of answer to.
 */

// Symbol.for: one symbol for every copy of this module (jest's isolated module registries too).
const HELD = Symbol.for('mail-autodiscover.preamble');
const INSTALLED = Symbol.for('mail-autodiscover.preamble-installed');

/** A header list as writeHead takes it: name, value, name, value… */
export type FlatHeaders = Array<string | number>;

interface ResponseWithPreamble extends ServerResponse {
  [HELD]?: FlatHeaders | undefined;
  [INSTALLED]?: true;
}

/** ServerResponse's own header methods, as Node defines them; the installed ones set the preamble first. */
const HEADER_METHODS = [
  'appendHeader',
  'flushHeaders',
  'getHeader',
  'getHeaderNames',
  'getHeaders',
  'getRawHeaderNames',
  'hasHeader',
  'removeHeader',
  'setHeader',
  'writeHead',
] as const;

/**
 * Lets the app's Express responses hold a preamble (extending `app.response`, Express's per-app
 * response prototype: Express gives it to the responses it routes, the fast lane to those it hands
 * to Express, and the listeners at birth when asked). The fast lane's plain responses hold one
 * through holdPreamble.
 */
export function installAnswerPreamble(app: Express): void {
  const responsePrototype = app.response as ResponseWithPreamble;
  responsePrototype[INSTALLED] = true;
  for (const name of HEADER_METHODS) {
    // getRawHeaderNames is Node's (since 15.13) but missing from @types/node 20.
    const nodeMethod: unknown = (http.ServerResponse.prototype as unknown as Record<string, unknown>)[name];
    if (typeof nodeMethod !== 'function') throw new Error(`ServerResponse has no ${name}`);
    Object.defineProperty(responsePrototype, name, {
      configurable: true,
      writable: true,
      value: function settingPreambleFirst(this: ResponseWithPreamble, ...args: unknown[]): unknown {
        setHeldPreamble(this);
        return (nodeMethod as (this: ServerResponse, ...args: unknown[]) => unknown).apply(this, args);
      },
    });
  }
}

/**
 * Lets a response of Node's own class hold a preamble: the fast lane's (fast-lane.ts), which answers
 * with sendAnswer and hands the response to Express (whose prototype is installed) for anything else.
 */
export function holdPreamble(res: ServerResponse): void {
  (res as ResponseWithPreamble)[HELD] ??= [];
}

/** Adds headers to the response's preamble, after those already there. */
export function addToPreamble(res: ServerResponse, headers: readonly (string | number)[]): void {
  const response = res as ResponseWithPreamble;
  const held = response[HELD];
  if (held !== undefined) {
    for (const item of headers) held.push(item);
  } else if (response[INSTALLED] === true && !res.headersSent) {
    response[HELD] = headers.slice();
  } else {
    for (let at = 0; at < headers.length; at += 2) res.setHeader(String(headers[at]), headers[at + 1] ?? '');
  }
}

/** setHeader after the preamble: for a header of our own set before the answer is written. */
export function setHeaderAfterPreamble(res: ServerResponse, name: string, value: string): void {
  setHeldPreamble(res);
  http.ServerResponse.prototype.setHeader.call(res, name, value);
}

/** Removes a header by name (any case) from the preamble and from the headers already set. */
export function removeFromPreamble(res: ServerResponse, name: string): void {
  const held = (res as ResponseWithPreamble)[HELD];
  if (held !== undefined) {
    const lowerCase = name.toLowerCase();
    for (let at = held.length - 2; at >= 0; at -= 2) {
      if (String(held[at]).toLowerCase() === lowerCase) held.splice(at, 2);
    }
  }
  http.ServerResponse.prototype.removeHeader.call(res, name);
}

/**
 * Writes the status line and headers: the preamble, then `headers`. Headers set earlier with
 * setHeader (which set the preamble first) go before both, as writeHead does.
 */
export function writeHeadWithPreamble(res: ServerResponse, status: number, headers: FlatHeaders): void {
  const response = res as ResponseWithPreamble;
  const held = response[HELD];
  if (held === undefined) {
    res.writeHead(status, headers);
    return;
  }
  response[HELD] = undefined;
  for (const item of headers) held.push(item);
  res.writeHead(status, held);
}

/** Sets the held preamble with setHeader now: for code that writes headers with Node's own calls. */
export function setHeldPreamble(res: ServerResponse): void {
  const response = res as ResponseWithPreamble;
  const held = response[HELD];
  if (held === undefined) return;
  response[HELD] = undefined;
  for (let at = 0; at < held.length; at += 2)
    http.ServerResponse.prototype.setHeader.call(res, String(held[at]), held[at + 1] ?? '');
}
