/**
 * The request logger does less per request (src/http/logger.ts: no pino-http, no child logger per
 * request) but writes the very same line as the pino-http set-up it replaced, kept here as the
 * reference, but for one designed difference: a 503 (the service's temporary answer) is a warning
 * without an `err`, where pino-http makes every 5xx an error with a stack.
 */
import http from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { assignRequestId, createLogger, MAX_LOGGED_USER_AGENT, maskAddresses } from '../../src/http/logger';
import { outcomeOf } from '../../src/http/request-outcome';
import { exampleApp } from '../support/app';
import { failingDirectory } from '../support/http';
import { closeServer, exchange, listenOnLoopback, WIRE_REQUESTS } from '../support/wire';

/** createRequestLogger as it was: pino-std-serializers' wrapping and a child logger per outcome. */
function referenceRequestLogger(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    genReqId: assignRequestId,
    serializers: {
      req: (req: {
        id: unknown;
        method: string;
        url: string;
        remoteAddress: string;
        headers: Record<string, string | undefined>;
      }) => ({
        id: req.id,
        method: req.method,
        path: maskAddresses(req.url.split('?')[0] ?? ''),
        ip: req.remoteAddress,
        userAgent: req.headers['user-agent']?.slice(0, MAX_LOGGED_USER_AGENT),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customProps: (_req, res) => ({ ...outcomeOf(res) }),
    customLogLevel: (_req, res, error) => (error !== undefined || res.statusCode >= 500 ? 'error' : 'info'),
  });
}

type ExampleApp = typeof exampleApp;

function referenceLoggingExampleApp(): ExampleApp {
  let built: ExampleApp | undefined;
  jest.isolateModules(() => {
    jest.doMock('../../src/http/logger', () => ({
      ...jest.requireActual<object>('../../src/http/logger'),
      createRequestLogger: referenceRequestLogger,
    }));
    built = jest.requireActual<{ exampleApp: ExampleApp }>('../support/app').exampleApp;
  });
  if (built === undefined) throw new Error('no reference app');
  return built;
}

/** The lines `build(logger)` writes for every wire request, times blanked. */
async function logLinesOf(build: (logger: Logger) => Express): Promise<string[]> {
  const lines: string[] = [];
  const server = http.createServer(build(createLogger('info', { write: (line: string) => void lines.push(line) })));
  const port = await listenOnLoopback(server);
  try {
    for (const request of WIRE_REQUESTS) await exchange(port, request);
  } finally {
    await closeServer(server);
  }
  // The stack of the error a 5xx line carries names the code that made it (pino-http's, or ours).
  return lines.map((line) =>
    line
      .replace(/"time":\d+/, '"time":0')
      .replace(/"responseTime":\d+/, '"responseTime":0')
      .replace(/("stack":"Error: failed with status code \d+)(?:\\n[^"]*)?"/, '$1"'),
  );
}

/** pino-http's line for a 503 as this service writes it: at warn, without `err`, saying what it is. */
function asDesignedTemporaryAnswer(line: string): string {
  const fields = JSON.parse(line) as Record<string, unknown>;
  const response = fields['res'] as { statusCode?: unknown } | undefined;
  if (response?.statusCode !== 503) return line;
  delete fields['err'];
  return `${JSON.stringify({ ...fields, level: 40, msg: 'request answered: temporarily unavailable' })}\n`;
}

describe('request log line › the same as the pino-http set-up it replaced', () => {
  const reference = referenceLoggingExampleApp();

  test.each([
    ['answers of every kind', {}, '"outcome":"settings"'],
    [
      'a directory that fails (503s at warn, without err)',
      { directory: failingDirectory(new Error('connection refused')) },
      '"level":40,"time":0',
    ],
  ] as const)('%s', async (_label, options, marker) => {
    const expected = (await logLinesOf((logger) => reference({ ...options, logger }))).map(asDesignedTemporaryAnswer);
    expect(expected.length).toBeGreaterThanOrEqual(WIRE_REQUESTS.length);
    expect(expected.join('')).toContain(marker);
    expect(await logLinesOf((logger) => exampleApp({ ...options, logger }))).toEqual(expected);
  });
});
