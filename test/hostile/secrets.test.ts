import express from 'express';
import request from 'supertest';
import { createErrorHandler } from '../../src/http/error-handler';
import { createLogger, createRequestLogger } from '../../src/http/logger';
import { exampleApp } from '../support/app';
import type { TestResponse } from '../support/http';
import { ENDPOINTS, expectNoInternals } from '../support/hostile';

/**
 * Credentials and addresses in logs. The app runs with the logger main.ts uses (createLogger),
 * writing to memory; every endpoint gets Basic credentials and addresses in path, query and body.
 */

const PASSWORD = 'S3cr3t-P4ss!';
const BASIC_TOKEN = Buffer.from(`pop.user@example.com:${PASSWORD}`, 'utf8').toString('base64');
const CREDENTIALS = {
  Authorization: `Basic ${BASIC_TOKEN}`,
  'Proxy-Authorization': `Basic ${BASIC_TOKEN}`,
  Cookie: `session=${PASSWORD}`,
};

/** Local parts that must never reach a log line, with the domains that must. */
const ADDRESSES = [
  'pop.user@example.com',
  'business.user@example.com',
  'nobody@example.org',
  'first=last&x@example.com', // "=" and "&" are atext: an address in a path is more than a query pair
  'pop.user%40example.com', // a client that encoded twice: no "@" reaches the parser
  'someone@foreign.test',
];
const LOCAL_PARTS = ['pop.user', 'business.user', 'nobody', 'first=last', 'first', 'last&x', 'someone'];

const logLines: string[] = [];
const logger = createLogger('info', { write: (line: string) => void logLines.push(line) });
const app = exampleApp({ logger });

/** Paths sent as written: Outlook's GET probe, a health check, unknown and malformed paths, "=" and "&" unescaped. */
const RAW_PATHS = [
  '/autodiscover/autodiscover.xml',
  '/Autodiscover/Autodiscover.xml',
  '/healthz',
  '/nope/pop.user@example.com',
  '/autodiscover/autodiscover.json/v1.0/pop.user%ZZ@example.com',
  '/autodiscover/autodiscover.json/v1.0/first=last&x@example.com?Protocol=AutodiscoverV1',
];

const responses: TestResponse[] = [];

beforeAll(async () => {
  for (const endpoint of ENDPOINTS) {
    for (const address of ADDRESSES) responses.push(await endpoint.send(app, address, CREDENTIALS));
  }
  for (const path of RAW_PATHS) {
    let test = request(app).get(path);
    for (const [name, value] of Object.entries(CREDENTIALS)) test = test.set(name, value);
    responses.push(await test);
  }
});

describe('secrets › Basic credentials are never checked, answered with 401, or logged', () => {
  test('every endpoint answered; none with 401 or a WWW-Authenticate challenge; none with a 5xx', () => {
    expect(responses.length).toBe(ENDPOINTS.length * ADDRESSES.length + RAW_PATHS.length);
    for (const res of responses) {
      expect(res.status).not.toBe(401);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['www-authenticate']).toBeUndefined();
    }
  });

  test('the log holds one line per request and neither the token, the password nor the word Basic', () => {
    const log = logLines.join('');
    expect(logLines.length).toBeGreaterThanOrEqual(responses.length);
    expect(log).not.toContain(BASIC_TOKEN);
    expect(log).not.toContain(PASSWORD);
    expect(log).not.toMatch(/Basic|authorization|cookie/i);
  });

  test('createLogger redacts credential headers even if a serializer ever passes headers through', () => {
    const lines: string[] = [];
    createLogger('info', { write: (line: string) => void lines.push(line) }).info(
      {
        req: {
          headers: {
            authorization: `Basic ${BASIC_TOKEN}`,
            cookie: `session=${PASSWORD}`,
            'proxy-authorization': `Basic ${BASIC_TOKEN}`,
            host: 'autodiscover.example.com',
          },
        },
      },
      'request',
    );
    expect(lines.join('')).not.toContain(BASIC_TOKEN);
    expect(lines.join('')).not.toContain(PASSWORD);
    expect(lines.join('')).toContain('autodiscover.example.com');
  });
});

describe('secrets › logs mask addresses, keeping the domain', () => {
  test('no local part appears in any log line', () => {
    for (const line of logLines) {
      for (const local of LOCAL_PARTS) expect(line).not.toContain(local);
    }
  });

  test('the domains do appear (outcome and masked path)', () => {
    const log = logLines.join('');
    expect(log).toContain('"domain":"example.com"');
    expect(log).toContain('"domain":"example.org"');
    expect(log).toContain('***@example.com');
  });
});

describe('secrets › answers carry no internals', () => {
  test('no stack trace, error class, source path or framework page in any answer', () => {
    for (const res of responses) expectNoInternals(res.text);
  });

  test('the last-resort error handler answers a thrown error with its request id only, and logs it', async () => {
    const lines: string[] = [];
    const crashing = express();
    crashing.use(createRequestLogger(createLogger('info', { write: (line: string) => void lines.push(line) })));
    crashing.get('/boom', () => {
      throw new Error(`database password is ${PASSWORD}`);
    });
    crashing.use(createErrorHandler(createLogger('info', { write: (line: string) => void lines.push(line) })));
    const res = await request(crashing).get('/boom').set('Authorization', `Basic ${BASIC_TOKEN}`);
    expect(res.status).toBe(500);
    expect(res.text).toBe(`Internal error (request ${String(res.headers['x-request-id'])}).\n`);
    expectNoInternals(res.text);
    expect(lines.join('')).toContain('"msg":"unhandled error"');
    expect(lines.join('')).not.toContain(BASIC_TOKEN);
  });
});
