import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { NodeHandler } from './fast-lane';
import { addToPreamble } from './preamble';
import { outcomeOf, type RequestOutcome } from './request-outcome';
import { stdoutDestination } from './stdout-destination';

/** The request id lives on the request, where pino-http kept it (`req.id`). */
type WithRequestId = IncomingMessage & { id?: string };

/** The id the request logger gave this request, if it has run. */
export function requestIdOf(req: IncomingMessage): string | undefined {
  return (req as WithRequestId).id;
}

/**
 * The service's logger; `destination` (stdout when absent) lets tests read what it writes. Stdout is
 * written asynchronously with a bounded buffer (stdout-destination.ts): a slow reader never blocks the
 * event loop, `process.exit` after the last line loses nothing while stdout is read, and a reader that
 * stopped costs dropped lines (counted on stderr), never a hung exit.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      // Outlook and phones send Basic credentials this service never checks; they are never written.
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["proxy-authorization"]'],
        remove: true,
      },
    },
    destination ?? stdoutDestination(),
  );
}

/**
 * A path segment's text up to its last "@" (or "%40", "%2540"…). The lookbehind starts a match only
 * at a segment's start: without it, every position of a segment was tried, each running to the
 * segment's end and back (twice the time on a v2 path); the matches are the same, as the property
 * test in test/unit/mask-addresses.test.ts checks against the plain form.
 */
const ADDRESS_IN_SEGMENT = /(?<![^/?\s])[^/?\s]+(@|%(?:25)*40)/gi;

/**
 * Addresses in paths (Autodiscover v2 puts one there) keep only their domain: `***@example.com`.
 * The whole path segment goes: "=" and "&" are atext, and an "@" may arrive encoded twice (%2540).
 */
export function maskAddresses(text: string): string {
  // Most paths have neither; the test is much cheaper than the replace.
  if (!text.includes('@') && !text.includes('%')) return text;
  return text.replace(ADDRESS_IN_SEGMENT, '***$1');
}

/**
 * One line per request, written when the response closes: request id, method, path without query
 * (addresses are personal data), the client's IP (after server.trustProxy) and User-Agent, status,
 * the protocol outcome, the domain (never the local part) and where the account came from (cache).
 * A 503 is this service's designed temporary answer (directory away, shutting down): warn, no stack.
 * Any other status from 500 up is a bug: error, with an `err` naming the status.
 *
 * The line keeps the shape pino-http gave it (test/http/request-log-line.test.ts keeps pino-http as
 * the reference), without what pino-http does per request and this service never uses: a child logger
 * (whose bindings are serialized at once), three listeners, req.log and res.log.
 */
export function createRequestLogger(
  logger: Logger,
  onRequestDone: RequestDoneListener | null = null,
  clientAddressOf: (req: IncomingMessage) => string | undefined = (req) => req.socket.remoteAddress,
): NodeHandler {
  // The line is built from named fields only, never headers: the redaction the logger applies to
  // every object (Authorization and cookies) has nothing to find in it, and would cost a pass per line.
  const lines = logger.child({}, { redact: [] });
  return function logRequest(req: IncomingMessage, res: ServerResponse, next: () => void) {
    startRequestLog(lines, req, res, onRequestDone, clientAddressOf);
    next();
  };
}

/** User-Agents past this are cut (a line per request must stay small whatever a client sends). */
export const MAX_LOGGED_USER_AGENT = 256;

/** Told of every request when its response closes (metrics): the outcome, if any, and the seconds it took. */
export type RequestDoneListener = (outcome: RequestOutcome | undefined, seconds: number) => void;

function startRequestLog(
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  onRequestDone: RequestDoneListener | null,
  clientAddressOf: (req: IncomingMessage) => string | undefined,
): void {
  const id = assignRequestId(req, res);
  (req as WithRequestId).id = id;
  // One clock for the log's whole milliseconds and the metrics' seconds.
  const startedAt = performance.now();
  res.once('close', () => {
    const statusCode = res.statusCode;
    const userAgent = req.headers['user-agent'];
    const request = {
      id,
      method: req.method,
      path: maskAddresses(pathOf(req)),
      ip: clientAddressOf(req),
      userAgent: userAgent === undefined ? undefined : userAgent.slice(0, MAX_LOGGED_USER_AGENT),
    };
    const outcome = outcomeOf(res);
    const response = { statusCode: res.headersSent ? statusCode : null };
    const elapsedMs = performance.now() - startedAt;
    const responseTime = Math.round(elapsedMs);
    onRequestDone?.(outcome, elapsedMs / 1000);
    // One object literal per line (a spread into a spread cost V8 a new hidden class per request).
    if (statusCode === 503)
      logger.warn(
        { req: request, ...outcome, res: response, responseTime },
        'request answered: temporarily unavailable',
      );
    else if (statusCode >= 500) {
      const err = new Error(`failed with status code ${statusCode}`);
      logger.error({ req: request, ...outcome, res: response, err, responseTime }, 'request errored');
    } else logger.info({ req: request, ...outcome, res: response, responseTime }, 'request completed');
  });
}

/** The path as the client sent it (Express may rewrite req.url inside a router; originalUrl keeps it). */
function pathOf(req: IncomingMessage & { originalUrl?: string }): string {
  const url = req.originalUrl ?? req.url ?? '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** The client's X-Request-Id when it is a sane token, a new UUID otherwise; echoed in the answer. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
  addToPreamble(res, ['X-Request-Id', id]);
  return id;
}
