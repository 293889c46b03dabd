import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { outcomeOf } from './request-outcome';

/**
 * The service's logger; `destination` (stdout when absent) lets tests read what it writes. Stdout is
 * written asynchronously (sonic-boom, `sync: false`), so a slow reader of the log never blocks the
 * event loop; pino flushes it synchronously on process exit (its on-exit hook), so `process.exit`
 * after the last line loses nothing.
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
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/**
 * Addresses in paths (Autodiscover v2 puts one there) keep only their domain: `***@example.com`.
 * The whole path segment goes: "=" and "&" are atext, and an "@" may arrive encoded twice (%2540).
 */
export function maskAddresses(text: string): string {
  return text.replace(/[^/?\s]+(@|%(?:25)*40)/gi, '***$1');
}

/**
 * One line per request: method, path without query (addresses are personal data), status, the
 * protocol outcome and the domain, never the local part.
 *
 * Kept cheap, as it runs on every request: the serializers get the raw req/res (no pino-std-serializers
 * copy, which parses the query and copies every header) and read the same fields it would; the outcome
 * fields go into the line's own object instead of a child logger made per request (customProps),
 * which writes them at the same place in the line.
 */
export function createRequestLogger(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    genReqId: assignRequestId,
    wrapSerializers: false,
    serializers: {
      req: (req: { id: unknown; method: string; originalUrl?: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: maskAddresses((req.originalUrl ?? req.url).split('?')[0] ?? ''),
      }),
      res: (res: { statusCode: number; headersSent: boolean }) => ({
        statusCode: res.headersSent ? res.statusCode : null,
      }),
    },
    customSuccessObject: (_req, res, fields: object) => withOutcome(res, fields),
    customErrorObject: (_req, res, _error, fields: object) => withOutcome(res, fields),
    customLogLevel: (_req, res, error) => (error !== undefined || res.statusCode >= 500 ? 'error' : 'info'),
  });
}

/** The client's X-Request-Id when it is a sane token, a new UUID otherwise; echoed in the answer. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** The outcome fields first, then pino-http's own (res, err, responseTime), as a child's bindings were. */
function withOutcome(res: unknown, fields: object): object {
  return { ...outcomeOf(res as { locals?: Record<string, unknown> }), ...fields };
}
