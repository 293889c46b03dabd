import { readdirSync, readFileSync } from 'node:fs';
import type http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { createListeners } from '../../src/http/listeners';
import { exampleApp, exampleConfig } from '../support/app';
import type { TestResponse } from '../support/http';
import {
  autodiscoverErrorCodeOf,
  autodiscoverRequestBody,
  expectNoInternals,
  postBytes,
  readXml,
  xmlText,
} from '../support/hostile';

/**
 * Hostile Autodiscover bodies (test/hostile/corpus/, plus large ones generated here) POSTed with
 * every kind of Content-Type: never a 5xx, never a hang, always a well-formed Autodiscover document.
 */

const CORPUS_DIR = path.join(__dirname, 'corpus');
const CORPUS = readdirSync(CORPUS_DIR).sort();
const corpusFile = (name: string): Buffer => readFileSync(path.join(CORPUS_DIR, name));

/** Legal XML, if unusual: answered with pop.user@example.com's settings. Every other file gets error 600. */
const ANSWERED_WITH_SETTINGS = new Set([
  'utf8-bom.xml', // XML allows a BOM on UTF-8; .NET clients send one
  'cdata-address.xml',
  'comments-inside-address.xml',
  'processing-instructions.xml', // PIs are ignored, never executed or fetched
  'charref-address.xml',
  'declared-utf16-but-utf8-bytes.xml', // the bytes decide, not the declaration
]);

const CONTENT_TYPES: ReadonlyArray<string | null> = [
  null,
  'text/xml; charset=utf-8',
  'application/xml',
  'text/plain',
  'application/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'text/xml; charset=utf-16',
  'application/octet-stream',
];

const app = exampleApp();
// The largest limit config allows, so the big bodies below reach the parser instead of the 413.
const bigBodyApp = exampleApp({
  config: (config) => ({ ...config, server: { ...config.server, maxBodyBytes: 1024 * 1024 } }),
});

let requestsSent = 0;
let serverErrorsSeen = 0;

function post(target: typeof app, body: Buffer, headers: Readonly<Record<string, string>> = {}): Promise<TestResponse> {
  requestsSent += 1;
  return postBytes(target, body, headers).then((res) => {
    if (res.status >= 500) serverErrorsSeen += 1;
    return res;
  });
}

/** A well-formed Autodiscover document that is error `code`, with the HTTP status given. */
function expectError(res: TestResponse, code: string, status = 200): void {
  expect(res.status).toBe(status);
  expect(autodiscoverErrorCodeOf(res)).toBe(code);
  expectNoInternals(res.text);
}

function expectSettingsForPopUser(res: TestResponse): void {
  expect(res.status).toBe(200);
  const document = readXml(res.text);
  expect(xmlText(document, 'Autodiscover/Response/User/AutoDiscoverSMTPAddress')).toBe('pop.user@example.com');
  expect(xmlText(document, 'Autodiscover/Response/Account/Protocol[0]/Type')).toBe('IMAP');
  expectNoInternals(res.text);
}

afterAll(() => {
  // The count the report quotes; a 5xx anywhere has already failed its own test.
  process.stdout.write(
    `[hostile corpus] ${CORPUS.length} files, ${requestsSent} requests, ${serverErrorsSeen} answers with a 5xx status\n`,
  );
});

describe('hostile corpus › every file, every Content-Type', () => {
  test('the corpus holds the cases issue 4 names and every settings case exists', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(50);
    for (const name of ANSWERED_WITH_SETTINGS) expect(CORPUS).toContain(name);
    for (const must of [
      'billion-laughs.xml',
      'xxe-file-passwd.xml',
      'xxe-parameter-entity.xml',
      'doctype-only.xml',
      'truncated.xml',
      'wrong-namespace.xml',
      'utf8-bom.xml',
      'utf16le-bom.xml',
      'utf16be-bom.xml',
      'random-binary.bin',
      'nul-byte-in-address.xml',
      'cdata-address.xml',
      'comments-inside-address.xml',
      'processing-instructions.xml',
      'duplicate-attributes-flood.xml',
    ]) {
      expect(CORPUS).toContain(must);
    }
  });

  test.each(CORPUS)(
    '%s › status < 500, a well-formed Autodiscover answer, nothing internal, whatever the Content-Type',
    async (name) => {
      const body = corpusFile(name);
      for (const contentType of CONTENT_TYPES) {
        const res = await post(app, body, contentType === null ? {} : { 'Content-Type': contentType });
        if (ANSWERED_WITH_SETTINGS.has(name)) expectSettingsForPopUser(res);
        else expectError(res, '600');
      }
    },
  );

  test.each(CORPUS)(
    '%s › compressed (gzip, deflate) or unknown Content-Encoding › 415, still an Autodiscover error 600 document',
    async (name) => {
      const body = corpusFile(name);
      for (const [encoding, bytes] of [
        ['gzip', gzipSync(body)],
        ['deflate', deflateSync(body)],
        ['gzip', body],
        ['br', body],
      ] as const) {
        expectError(await post(app, bytes, { 'Content-Type': 'text/xml', 'Content-Encoding': encoding }), '600', 415);
      }
    },
  );
});

describe('hostile corpus › large bodies, generated', () => {
  const deep = (levels: number): Buffer => Buffer.from(`${'<a>'.repeat(levels)}${'</a>'.repeat(levels)}`);
  const validRequest = autodiscoverRequestBody('pop.user@example.com', 'outlook');
  const cases: ReadonlyArray<readonly [string, () => Buffer]> = [
    ['1 MiB of "a"', () => Buffer.alloc(1024 * 1024, 'a')],
    ['1 MiB of binary', () => Buffer.from(Array.from({ length: 1024 * 1024 }, (_, i) => (i * 7919) % 256))],
    [
      'a valid request padded to 1 MiB with whitespace',
      () => Buffer.concat([Buffer.from(validRequest), Buffer.alloc(1024 * 1024, ' ')]),
    ],
    ['10 000-deep nesting', () => deep(10_000)],
    [
      'a billion-laughs DTD of 100 KiB',
      () => Buffer.from(`<!DOCTYPE a [${'<!ENTITY x "&x;&x;">'.repeat(5000)}]><a>&x;</a>`),
    ],
  ];

  test.each(cases)('%s › default 8 KiB limit › 413 with an Autodiscover error 600 document', async (_label, make) => {
    expectError(await post(app, make()), '600', 413);
  });

  test.each([
    ...cases.filter(([label]) => !label.includes('1 MiB')),
    ['100 000-deep unclosed nesting', () => Buffer.from('<a>'.repeat(100_000))] as const,
    [
      'just under 1 MiB of binary',
      () => Buffer.from(Array.from({ length: 1024 * 1024 - 1 }, (_, i) => (i * 7919) % 256)),
    ] as const,
  ])('%s › with a 1 MiB limit the parser sees it › error 600', async (_label, make) => {
    expectError(await post(bigBodyApp, make()), '600');
  });

  test('50 000 distinct attributes (≈540 KB) on a valid request › attributes ignored, settings answered', async () => {
    const attributes = Array.from({ length: 50_000 }, (_, i) => `a${i}="x"`).join(' ');
    expectSettingsForPopUser(
      await post(bigBodyApp, Buffer.from(validRequest.replace('<Autodiscover ', `<Autodiscover ${attributes} `))),
    );
  });

  test('100 000 empty sibling elements (≈400 KB) before the address › settings answered', async () => {
    expectSettingsForPopUser(
      await post(bigBodyApp, Buffer.from(validRequest.replace('<Request>', `<Request>${'<x/>'.repeat(100_000)}`))),
    );
  });
});

describe('hostile connections › server timeouts end stalled requests', () => {
  const HEADERS_TIMEOUT_MS = 300;
  const REQUEST_TIMEOUT_MS = 600;
  /** Longest a test waits for the server before it gives up: well over the timeouts, well under jest's. */
  const BOUND_MS = 5_000;
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    // The production listener (src/http/listen.ts createListeners) with small timeouts.
    const { config } = exampleConfig();
    const timeouts = {
      ...config.server,
      headersTimeoutMs: HEADERS_TIMEOUT_MS,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: 300,
    };
    const [listener] = createListeners(app, { ...config, server: timeouts }, null);
    if (listener === undefined) throw new Error('createListeners made no listener');
    server = listener.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Writes `data`, then waits (bounded) until the server closes the connection; returns what it sent. */
  function exchange(data: string): Promise<{ readonly reply: string; readonly closedByServer: boolean }> {
    return new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      let reply = '';
      const bound = setTimeout(() => {
        socket.destroy();
        resolve({ reply, closedByServer: false });
      }, BOUND_MS);
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (reply += chunk));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearTimeout(bound);
        resolve({ reply, closedByServer: true });
      });
      socket.write(data);
    });
  }

  const head = (extra: string): string =>
    `POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: autodiscover.example.com\r\n${extra}`;

  test('headers sent, body stalls halfway › 408 and the connection closed', async () => {
    const { reply, closedByServer } = await exchange(
      `${head('Content-Type: text/xml\r\nContent-Length: 500\r\n\r\n')}<?xml version="1.0"?><Autodiscover>`,
    );
    expect(closedByServer).toBe(true);
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
  });

  test('headers never finished (slowloris) › 408 and the connection closed', async () => {
    const { reply, closedByServer } = await exchange(
      'POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: autodiscover.example.com\r\nX-Slow: ',
    );
    expect(closedByServer).toBe(true);
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
  });

  test('chunked body that never ends › 408 and the connection closed', async () => {
    const { reply, closedByServer } = await exchange(`${head('Transfer-Encoding: chunked\r\n\r\n')}5\r\n<?xml\r\n`);
    expect(closedByServer).toBe(true);
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
  });

  test('Content-Length of 10 MiB, nothing sent › 413 at once (not 408 at the request timeout) and the connection closed', async () => {
    const { reply, closedByServer } = await exchange(
      head('Content-Type: text/xml\r\nContent-Length: 10485760\r\n\r\n'),
    );
    expect(closedByServer).toBe(true);
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    const body = reply.slice(reply.indexOf('\r\n\r\n') + 4);
    expect(xmlText(readXml(body), 'Autodiscover/Response/Error/ErrorCode')).toBe('600');
  });

  test('2 MiB body sent in full › 413 with an Autodiscover error 600 document', async () => {
    const size = 2 * 1024 * 1024;
    const { reply } = await exchange(
      `${head(`Content-Type: text/xml\r\nConnection: close\r\nContent-Length: ${size}\r\n\r\n`)}${'a'.repeat(size)}`,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    const body = reply.slice(reply.indexOf('\r\n\r\n') + 4);
    expect(xmlText(readXml(body), 'Autodiscover/Response/Error/ErrorCode')).toBe('600');
  });

  test('a complete request on the same server › answered normally', async () => {
    const body = autodiscoverRequestBody('pop.user@example.com', 'outlook');
    const { reply } = await exchange(
      `${head(`Content-Type: text/xml\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`)}${body}`,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    expect(reply).toContain('<AutoDiscoverSMTPAddress>pop.user@example.com</AutoDiscoverSMTPAddress>');
  });
});
