import { Resolver } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import tls, { TLSSocket } from 'node:tls';
import type { WireAnswer } from './loopback';

/**
 * selfcheck's side of the wire: DNS through a resolver of its own (the system's servers, or
 * --dns-server), and HTTP(S) requests made as a client makes them, with what the TLS handshake
 * showed kept for the certificate checks (docs/protocols.md §2.5). Nothing here follows a redirect:
 * the caller decides, as each client does.
 */

/** curl's --connect-to: a request for fromHost:fromPort connects to toHost:toPort instead (empty: any / the same). */
export interface ConnectTo {
  readonly fromHost: string;
  readonly fromPort: number | null;
  readonly toHost: string;
  readonly toPort: number | null;
}

const HOST_PART = String.raw`(\[[0-9A-Fa-f:.]+\]|[^:\[\]]*)`;
const CONNECT_TO = new RegExp(`^${HOST_PART}:(\\d*):${HOST_PART}:(\\d*)$`);

function port(text: string): number | null | undefined {
  if (text === '') return null;
  const value = Number(text);
  return Number.isInteger(value) && value >= 1 && value <= 65535 ? value : undefined;
}

const unbracket = (host: string): string => (host.startsWith('[') ? host.slice(1, -1) : host).toLowerCase();

/** HOST1:PORT1:HOST2:PORT2 as curl reads it (IPv6 in brackets), or null when it is not that. */
export function parseConnectTo(text: string): ConnectTo | null {
  const match = CONNECT_TO.exec(text);
  if (match === null) return null;
  const [, fromHost = '', fromPort = '', toHost = '', toPort = ''] = match;
  const from = port(fromPort);
  const to = port(toPort);
  if (from === undefined || to === undefined) return null;
  return { fromHost: unbracket(fromHost), fromPort: from, toHost: unbracket(toHost), toPort: to };
}

/** IP[:PORT] or [IPv6]:PORT as Resolver.setServers takes it, or null when it is not an address. */
export function parseDnsServer(text: string): string | null {
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([\d.]+)(?::(\d+))?$/.exec(text);
  const bare = isIP(text) === 6 ? [text, text] : null;
  const match = bracketed ?? plain ?? bare;
  if (match === null) return null;
  const [, host = '', portText] = match;
  if (isIP(host) === 0) return null;
  if (portText !== undefined && typeof port(portText) !== 'number') return null;
  return portText === undefined ? host : isIP(host) === 6 ? `[${host}]:${portText}` : `${host}:${portText}`;
}

export interface NetworkOptions {
  /** null: the system's resolvers. */
  readonly dnsServer: string | null;
  readonly connectTo: readonly ConnectTo[];
  readonly timeoutMs: number;
  /** PEM certificates trusted besides Node's own roots. */
  readonly extraCa: readonly string[];
}

export interface Network {
  readonly resolver: Resolver;
  readonly options: NetworkOptions;
}

export function createNetwork(options: NetworkOptions): Network {
  const resolver = new Resolver({ timeout: Math.min(options.timeoutMs, 5000), tries: 2 });
  if (options.dnsServer !== null) resolver.setServers([options.dnsServer]);
  return { resolver, options };
}

const DNS_ERRORS: Readonly<Record<string, string>> = {
  ENOTFOUND: 'no such name (NXDOMAIN)',
  ENODATA: 'no record of that type',
  ETIMEOUT: 'the DNS server did not answer',
  ECONNREFUSED: 'the DNS server refused the connection',
  ESERVFAIL: 'the DNS server failed (SERVFAIL)',
};

/** A DNS error in words: what an operator reads in the table. */
export function describeDnsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code ?? '';
  return DNS_ERRORS[code] ?? (error instanceof Error ? error.message : String(error));
}

/** Whether a DNS error means "there is no such record" rather than "DNS could not be asked". */
export const isNoRecord = (error: unknown): boolean =>
  ['ENOTFOUND', 'ENODATA'].includes((error as NodeJS.ErrnoException | null)?.code ?? '');

/** The addresses a host name has (IPv4 first, then IPv6), following CNAMEs as the resolver does. */
export async function addressesOf(resolver: Resolver, host: string): Promise<string[]> {
  if (isIP(host) !== 0) return [host];
  const found: string[] = [];
  const problems: unknown[] = [];
  for (const lookup of [resolver.resolve4.bind(resolver), resolver.resolve6.bind(resolver)]) {
    try {
      found.push(...(await lookup(host)));
    } catch (error) {
      problems.push(error);
    }
  }
  if (found.length > 0) return found;
  throw problems.find((error) => !isNoRecord(error)) ?? problems[0];
}

/** What the TLS handshake showed for a host: the checks of the certificate, kept apart. */
export interface TlsSeen {
  readonly host: string;
  readonly port: number;
  /** null: the chain leads to a trusted root; otherwise OpenSSL's reason (CERT_HAS_EXPIRED, …). */
  readonly chainProblem: string | null;
  /** null: the certificate names the host (RFC 6125 rules, tls.checkServerIdentity). */
  readonly nameProblem: string | null;
  readonly subjectAltName: string;
  readonly issuer: string;
  readonly validTo: Date;
}

export interface LiveRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type LiveResult =
  | { readonly ok: true; readonly answer: WireAnswer; readonly tls: TlsSeen | null; readonly address: string }
  | { readonly ok: false; readonly stage: 'dns' | 'connect' | 'tls' | 'http'; readonly problem: string };

/** Answers larger than this are not discovery answers; reading stops there. */
const MAX_ANSWER_BYTES = 1024 * 1024;

const defaultPort = (url: URL): number => (url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port));

/** Where a request for host:port connects, after --connect-to (the first rule that matches wins, as in curl). */
export function routeOf(connectTo: readonly ConnectTo[], host: string, port: number): { host: string; port: number } {
  const rule = connectTo.find(
    (candidate) =>
      (candidate.fromHost === '' || candidate.fromHost === host.toLowerCase()) &&
      (candidate.fromPort === null || candidate.fromPort === port),
  );
  return rule === undefined ? { host, port } : { host: rule.toHost || host, port: rule.toPort ?? port };
}

/** A subject or issuer field, which a certificate may repeat. */
const firstOf = (value: string | string[] | undefined): string =>
  Array.isArray(value) ? (value[0] ?? '') : (value ?? '');

function tlsSeen(socket: TLSSocket, host: string, port: number): TlsSeen | null {
  const certificate = socket.getPeerCertificate();
  if (Object.keys(certificate).length === 0) return null;
  const identity = isIP(host) === 0 ? tls.checkServerIdentity(host, certificate) : undefined;
  const chain = socket.authorizationError as Error | string | null | undefined;
  return {
    host,
    port,
    chainProblem: socket.authorized || chain === null || chain === undefined ? null : String(chain),
    nameProblem: identity === undefined ? null : identity.message,
    subjectAltName: certificate.subjectaltname ?? `CN=${firstOf(certificate.subject.CN)}`,
    issuer: firstOf(certificate.issuer.CN) || firstOf(certificate.issuer.O),
    validTo: new Date(certificate.valid_to),
  };
}

function describeConnectError(
  error: NodeJS.ErrnoException,
  target: string,
): { stage: 'connect' | 'tls'; problem: string } {
  if (error.code === 'ECONNREFUSED') return { stage: 'connect', problem: `connection refused by ${target}` };
  if (error.code === 'ECONNRESET') return { stage: 'connect', problem: `${target} closed the connection` };
  if (error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH')
    return { stage: 'connect', problem: `${target} cannot be reached` };
  if ((error.code ?? '').startsWith('ERR_SSL') || /SSL|TLS|alert/i.test(error.message))
    return { stage: 'tls', problem: `TLS handshake with ${target} failed: ${error.message}` };
  return { stage: 'connect', problem: `${target}: ${error.message}` };
}

/**
 * One request as a client sends it: the URL's host name in DNS (or --connect-to), the Host header
 * and TLS server name of the URL, the certificate accepted whatever it is so that it can be
 * reported (the checks are in TlsSeen), no redirect followed.
 */
export async function fetchLive(network: Network, request: LiveRequest): Promise<LiveResult> {
  const { url } = request;
  const secure = url.protocol === 'https:';
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const route = routeOf(network.options.connectTo, host, defaultPort(url));
  let address: string;
  try {
    [address = ''] = await addressesOf(network.resolver, route.host);
  } catch (error) {
    return { ok: false, stage: 'dns', problem: `${route.host}: ${describeDnsError(error)}` };
  }
  const target = `${isIP(address) === 6 ? `[${address}]` : address}:${route.port}`;
  const { timeoutMs, extraCa } = network.options;
  const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
  return new Promise<LiveResult>((resolve) => {
    const options: https.RequestOptions = {
      host: address,
      port: route.port,
      method: request.method,
      path: `${url.pathname}${url.search}`,
      agent: false,
      timeout: timeoutMs,
      headers: {
        host: url.host,
        'user-agent': 'mail-autodiscover-selfcheck',
        ...request.headers,
        ...(body === undefined ? {} : { 'content-length': String(body.length) }),
      },
      ...(secure
        ? {
            ...(isIP(host) === 0 ? { servername: host } : {}),
            rejectUnauthorized: false,
            // Identity is checked apart (tlsSeen), so that authorizationError speaks of the chain only.
            checkServerIdentity: () => undefined,
            ...(extraCa.length > 0 ? { ca: [...tls.rootCertificates, ...extraCa] } : {}),
          }
        : {}),
    };
    const req = (secure ? https : http).request(options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) req.destroy(new Error(`an answer over ${MAX_ANSWER_BYTES} bytes`));
        else chunks.push(chunk);
      });
      res.on('end', () =>
        resolve({
          ok: true,
          address: target,
          tls: res.socket instanceof TLSSocket ? tlsSeen(res.socket, host, defaultPort(url)) : null,
          answer: {
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'] ?? '',
            location: res.headers.location,
            body: Buffer.concat(chunks),
          },
        }),
      );
      res.on('error', (error) => resolve({ ok: false, stage: 'http', problem: `${target}: ${error.message}` }));
    });
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'TIMEOUT' })),
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'TIMEOUT') resolve({ ok: false, stage: 'connect', problem: `${target}: ${error.message}` });
      else resolve({ ok: false, ...describeConnectError(error, target) });
    });
    req.end(body);
  });
}
