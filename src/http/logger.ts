import pino, { type DestinationStream, type Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { outcomeOf } from './request-outcome';

/** The service's logger; `destination` (stdout when absent) lets tests read what it writes. */
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
    destination,
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
 */
export function createRequestLogger(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id =
        typeof incoming === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: maskAddresses(req.url.split('?')[0] ?? ''),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customProps: (_req, res) => ({ ...outcomeOf(res as unknown as { locals?: Record<string, unknown> }) }),
    customLogLevel: (_req, res, error) => (error !== undefined || res.statusCode >= 500 ? 'error' : 'info'),
  });
}
