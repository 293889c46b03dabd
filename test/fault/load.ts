import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { composeServiceAround, type CompositionSeams } from '../../src/compose';
import type { AppConfig } from '../../src/config/schema';
import type { AccountDirectory } from '../../src/directory/account-directory';
import type { DirectoryData } from '../../src/directory/directory-data';
import type { AccessType } from '../../src/model/access-type';
import { parsed } from '../postgres/fixture';
import { exampleConfig, FIXED_NOW } from '../support/app';
import {
  hasNode,
  listAt,
  nodeAt,
  parseProfile,
  parseXmlDocument,
  requestFixtureFor,
  textAt,
} from '../support/documents';
import { AUTODISCOVER_XML } from '../support/http';

/**
 * The load side of the fault tests: a real listening service, many requests with bounded
 * concurrency over keep-alive connections, and every answer checked against the mailbox's known
 * access type and address, the way a client reads it (XML/plist parsers, not substrings).
 */

export interface Mailbox {
  readonly address: string;
  readonly accessType: AccessType;
}

/**
 * 200 listed mailboxes over two domains (one defaulting to POP access, one to Business Mail, each
 * with mailboxes of both types), plus 20 unlisted ones that get their domain's default.
 */
export function faultAccounts(): { data: DirectoryData; listed: readonly Mailbox[]; unlisted: readonly Mailbox[] } {
  const domains = [
    { domain: 'fault-pop.example', defaultAccessType: 'pop' as const },
    { domain: 'fault-business.example', defaultAccessType: 'business' as const },
  ];
  const listed: Mailbox[] = [];
  const unlisted: Mailbox[] = [];
  domains.forEach(({ domain, defaultAccessType }, d) => {
    for (let i = 0; i < 100; i += 1) {
      listed.push({
        address: `user${String(i).padStart(3, '0')}@${domain}`,
        accessType: (i + d) % 3 === 0 ? 'business' : 'pop',
      });
    }
    for (let i = 0; i < 10; i += 1) unlisted.push({ address: `unlisted${i}@${domain}`, accessType: defaultAccessType });
  });
  const data = parsed({ domains, accounts: listed.map(({ address, accessType }) => ({ address, accessType })) });
  return { data, listed, unlisted };
}

export const ENDPOINTS = ['autodiscover-xml', 'autodiscover-json', 'autoconfig', 'mobileconfig'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

export interface Ask {
  readonly endpoint: Endpoint;
  readonly mailbox: Mailbox;
  /** The designed temporary error is the right answer (a cold address while the directory is away). */
  readonly expectTemporary: boolean;
}

interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What an answer was: the mailbox's settings, the designed temporary error, another 5xx, or wrong. */
type Verdict = 'correct' | 'temporary' | 'other-5xx' | 'wrong';

/** The example config with the rate limit off: one client IP sends thousands of requests. */
export function faultConfig(): AppConfig {
  return {
    ...structuredClone(exampleConfig().config),
    rateLimit: { enabled: false, points: 120, durationSeconds: 60, allowlist: [] },
  };
}

/**
 * The service composed as main.ts does, in front of `source` with the cache settings given, listening
 * on a free loopback port, and a keep-alive agent with `concurrency` sockets.
 */
export async function listen(
  source: AccountDirectory,
  concurrency: number,
  options: { cache?: Partial<AppConfig['cache']>; logger?: Logger; cacheClock?: CompositionSeams['cacheClock'] } = {},
) {
  const config = faultConfig();
  const composed = composeServiceAround(
    { ...config, cache: { ...config.cache, ...options.cache } },
    source,
    options.logger ?? pino({ level: 'silent' }),
    { now: () => FIXED_NOW, ...(options.cacheClock === undefined ? {} : { cacheClock: options.cacheClock }) },
  );
  if (!composed.ok) throw new Error(composed.error.join('\n'));
  const service = composed.value;
  const server = http.createServer(service.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  return {
    port: (server.address() as AddressInfo).port,
    agent,
    service,
    /** Stops listening, then closes the directory source and the cache. */
    close: async (): Promise<void> => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await service.close();
    },
  };
}

const poxBodies = new Map<string, Buffer>();

function send(port: number, agent: http.Agent, ask: Ask, timeoutMs: number): Promise<HttpAnswer> {
  const address = ask.mailbox.address;
  const query = `emailaddress=${encodeURIComponent(address)}`;
  let body: Buffer | undefined;
  let path: string;
  switch (ask.endpoint) {
    case 'autodiscover-xml':
      path = AUTODISCOVER_XML;
      body = poxBodies.get(address) ?? requestFixtureFor('outlook-desktop-crlf.xml', address);
      poxBodies.set(address, body);
      break;
    case 'autodiscover-json':
      path = `/autodiscover/autodiscover.json/v1.0/${encodeURIComponent(address)}?Protocol=ActiveSync`;
      break;
    case 'autoconfig':
      path = `/mail/config-v1.1.xml?${query}`;
      break;
    case 'mobileconfig':
      path = `/mobileconfig?${query}`;
      break;
  }
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        agent,
        path,
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? {} : { 'Content-Type': 'text/xml', 'Content-Length': body.length },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Judges one answer; `why` says what was wrong. Throwing parsers count as wrong, not as a crash. */
function judge(ask: Ask, answer: HttpAnswer): { verdict: Verdict; why: string } {
  const { address, accessType } = ask.mailbox;
  const business = accessType === 'business';
  const fail = (why: string) => ({
    verdict: 'wrong' as const,
    why: `${ask.endpoint} ${address} (${accessType}): ${why}`,
  });
  const designed503 = answer.status === 503 && /^\d+$/.test(answer.headers['retry-after'] ?? '');
  if (answer.status >= 500) {
    return designed503
      ? { verdict: 'temporary', why: '' }
      : { verdict: 'other-5xx', why: `${ask.endpoint} ${address}: HTTP ${answer.status} ${answer.body.slice(0, 200)}` };
  }
  try {
    switch (ask.endpoint) {
      case 'autodiscover-xml': {
        if (answer.status !== 200) return fail(`HTTP ${answer.status}`);
        const document = parseXmlDocument(answer.body);
        if (hasNode(document, 'Autodiscover/Response/Error/ErrorCode')) {
          const code = textAt(document, 'Autodiscover/Response/Error/ErrorCode');
          return code === '603' ? { verdict: 'temporary', why: '' } : fail(`ErrorCode ${code}`);
        }
        const first = nodeAt(document, 'Autodiscover/Response/Account/Protocol[0]');
        const type = textAt(first, 'Type');
        if (type !== (business ? 'EXPR' : 'IMAP')) return fail(`first Protocol is ${type}`);
        if (textAt(first, 'LoginName') !== address) return fail(`LoginName ${textAt(first, 'LoginName')}`);
        if (textAt(document, 'Autodiscover/Response/User/AutoDiscoverSMTPAddress') !== address)
          return fail('another AutoDiscoverSMTPAddress');
        return { verdict: 'correct', why: '' };
      }
      case 'autodiscover-json': {
        const json: unknown = JSON.parse(answer.body);
        const expected = business
          ? { status: 200, key: 'Protocol', value: 'ActiveSync' }
          : { status: 400, key: 'ErrorCode', value: 'InvalidProtocol' };
        if (answer.status !== expected.status) return fail(`HTTP ${answer.status} ${answer.body}`);
        if (
          typeof json !== 'object' ||
          json === null ||
          (json as Record<string, unknown>)[expected.key] !== expected.value
        )
          return fail(answer.body);
        return { verdict: 'correct', why: '' };
      }
      case 'autoconfig': {
        if (answer.status !== 200) return fail(`HTTP ${answer.status}`);
        const incoming = listAt(parseXmlDocument(answer.body), 'clientConfig/emailProvider/incomingServer')[0];
        const type = textAt(incoming, '@type');
        if (type !== (business ? 'ews' : 'imap')) return fail(`first incomingServer is ${type}`);
        if (textAt(incoming, 'username') !== address) return fail(`username ${textAt(incoming, 'username')}`);
        return { verdict: 'correct', why: '' };
      }
      case 'mobileconfig': {
        if (answer.status !== 200) return fail(`HTTP ${answer.status}`);
        const payload = nodeAt(parseProfile(answer.body), 'PayloadContent[0]');
        const type = nodeAt(payload, 'PayloadType');
        if (type !== (business ? 'com.apple.eas.account' : 'com.apple.mail.managed'))
          return fail(`PayloadType ${String(type)}`);
        if (nodeAt(payload, 'EmailAddress') !== address)
          return fail(`EmailAddress ${String(nodeAt(payload, 'EmailAddress'))}`);
        return { verdict: 'correct', why: '' };
      }
    }
  } catch (error) {
    return fail(
      `unreadable answer (${error instanceof Error ? error.message : String(error)}): ${answer.body.slice(0, 200)}`,
    );
  }
}

/** Running totals of a fault test; `wrong` counts wrong answers and temporary errors that were not expected. */
export class Tally {
  requests = 0;
  correct = 0;
  temporary = 0;
  fiveXx = 0;
  otherFiveXx = 0;
  wrong = 0;
  lost = 0;
  /** The first few problems, for the failure message. */
  readonly problems: string[] = [];

  record(ask: Ask, outcome: { answer: HttpAnswer } | { error: unknown }): void {
    this.requests += 1;
    if ('error' in outcome) {
      this.lost += 1;
      this.note(
        `${ask.endpoint} ${ask.mailbox.address}: lost (${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)})`,
      );
      return;
    }
    if (outcome.answer.status >= 500) this.fiveXx += 1;
    const { verdict, why } = judge(ask, outcome.answer);
    if (verdict === 'other-5xx') {
      this.otherFiveXx += 1;
      this.note(why);
    } else if (verdict === 'wrong') {
      this.wrong += 1;
      this.note(why);
    } else if ((verdict === 'temporary') === ask.expectTemporary) {
      if (verdict === 'temporary') this.temporary += 1;
      else this.correct += 1;
    } else {
      this.wrong += 1;
      this.note(
        `${ask.endpoint} ${ask.mailbox.address}: ${verdict === 'temporary' ? 'temporary error, expected its settings' : 'settings, expected the temporary error'}`,
      );
    }
  }

  private note(problem: string): void {
    if (this.problems.length < 10) this.problems.push(problem);
  }
}

export interface LoadTarget {
  readonly port: number;
  readonly agent: http.Agent;
}

/**
 * Sends asks with `concurrency` in flight until `nextAsk` returns undefined (checked before each
 * request, so a test can stop the load on an event) or `maxRequests` were sent.
 */
export async function runLoad(
  target: LoadTarget,
  options: {
    concurrency: number;
    maxRequests: number;
    timeoutMs: number;
    tally: Tally;
    nextAsk: (index: number) => Ask | undefined;
  },
): Promise<void> {
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (issued < options.maxRequests) {
      const ask = options.nextAsk(issued);
      if (ask === undefined) return;
      issued += 1;
      try {
        options.tally.record(ask, { answer: await send(target.port, target.agent, ask, options.timeoutMs) });
      } catch (error) {
        options.tally.record(ask, { error });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
}

/**
 * Ask number `index` of a deterministic mix: consecutive asks go to mailboxes spread by a stride
 * (prime to the list's length), and each round through the list moves every mailbox to the next endpoint.
 */
export function mixedAsk(
  index: number,
  mailboxes: readonly Mailbox[],
  expectTemporary: (mailbox: Mailbox) => boolean = () => false,
): Ask {
  const count = mailboxes.length;
  const endpoint = ENDPOINTS[((index % count) + Math.floor(index / count)) % ENDPOINTS.length] ?? 'autoconfig';
  const mailbox = mailboxes[(index * 7919) % count];
  if (mailbox === undefined) throw new Error('no mailboxes');
  return { endpoint, mailbox, expectTemporary: expectTemporary(mailbox) };
}

/** The one line a fault test prints, for the README. */
export function summaryLine(label: string, tally: Tally, extra = ''): string {
  return (
    `fault[${label}]: ${tally.requests} requests, ${tally.correct} correct, ${tally.temporary} designed temporary errors, ` +
    `${tally.fiveXx} 5xx (${tally.otherFiveXx} not designed), ${tally.wrong} wrong, ${tally.lost} lost${extra}`
  );
}
