import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { resolve } from 'node:path';
import type { Express } from 'express';
import type { AppConfig } from '../config/schema';
import { CertificateDirectory } from './certificate-directory';
import { declaresMoreThan } from './read-body';

export interface Listener {
  readonly server: http.Server;
  readonly port: number;
  readonly scheme: 'http' | 'https';
}

/** A PEM certificate (chain) and its private key. */
export interface KeyPair {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** What the HTTPS listener serves: the configured pair, the certificate directory by SNI, or both. */
export interface TlsCredentials {
  /** server.https.certFile/keyFile: for names the directory has no pair for (and clients sending no SNI). */
  readonly defaultPair: KeyPair | null;
  readonly certificateDirectory: CertificateDirectory | null;
}

/**
 * Reads the TLS certificate and key, and the certificate directory, named in config; problems name
 * the key and the fix. Null without server.https.
 */
export function readTlsFiles(config: AppConfig, configDir: string): TlsCredentials | string[] | null {
  const tls = config.server.https;
  if (tls === null) return null;
  const problems: string[] = [];
  const read = (key: 'certFile' | 'keyFile', file: string): Buffer => {
    const path = resolve(configDir, file);
    try {
      return readFileSync(path);
    } catch (error) {
      problems.push(
        `server.https.${key}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}); fix the path or remove server.https`,
      );
      return Buffer.alloc(0);
    }
  };
  const defaultPair =
    tls.certFile === undefined || tls.keyFile === undefined
      ? null
      : { cert: read('certFile', tls.certFile), key: read('keyFile', tls.keyFile) };
  let certificateDirectory: CertificateDirectory | null = null;
  if (tls.certificateDirectory !== undefined) {
    const loaded = CertificateDirectory.load(resolve(configDir, tls.certificateDirectory), defaultPair !== null);
    if (Array.isArray(loaded)) problems.push(...loaded);
    else certificateDirectory = loaded;
  }
  return problems.length > 0 ? problems : { defaultPair, certificateDirectory };
}

/**
 * The HTTPS server's TLS options: the default pair as its own, and an SNI callback choosing from
 * the certificate directory (docs/protocols.md §12.2). A name the directory lacks gets the default
 * pair; without one, the handshake fails, as no certificate would be right.
 */
function tlsOptionsOf({ defaultPair, certificateDirectory }: TlsCredentials): https.ServerOptions {
  const own = defaultPair === null ? {} : { cert: defaultPair.cert, key: defaultPair.key };
  if (certificateDirectory === null) return own;
  return {
    ...own,
    SNICallback: (serverName, done) => {
      const context = certificateDirectory.contextFor(serverName);
      if (context !== null || defaultPair !== null) done(null, context ?? undefined);
      else done(new Error(`no certificate for ${serverName}`));
    },
  };
}

/** What a bench may switch on to compare; production passes none. */
export interface ListenerOptions {
  /**
   * Requests and responses born with the app's Express prototypes, so Express's per-request
   * `Object.setPrototypeOf` is a no-op (see expressClassesOf). Off by default: discovery requests
   * never get Express's prototypes (the fast lane runs on Node's own objects: fast-lane.ts), and
   * being born with another prototype costs them about 30,000 instructions each; the requests
   * Express routes (the admin API, 404s) pay Express's own `setPrototypeOf` instead.
   */
  readonly expressPrototypesAtBirth?: boolean;
}

/**
 * Creates the plain-HTTP listener and, when configured, the HTTPS one, with the timeouts that keep
 * slow or idle clients from holding sockets.
 */
export function createListeners(
  app: Express,
  config: AppConfig,
  tls: TlsCredentials | null,
  { expressPrototypesAtBirth = false }: ListenerOptions = {},
): Listener[] {
  // Node enforces headers/request timeouts on a sweep, every 30 s by default: too slow to matter
  // against a slowloris client, so sweep at least as often as the shortest timeout allows.
  const connectionsCheckingInterval = Math.min(1000, Math.floor(config.server.headersTimeoutMs / 2));
  const options: http.ServerOptions = {
    connectionsCheckingInterval,
    ...(expressPrototypesAtBirth ? expressClassesOf(app) : {}),
  };
  const listeners: Listener[] = [{ server: http.createServer(options, app), port: config.server.port, scheme: 'http' }];
  if (tls !== null && config.server.https !== null) {
    const server = https.createServer({ ...options, ...tlsOptionsOf(tls) }, app);
    listeners.push({ server, port: config.server.https.port, scheme: 'https' });
  }
  for (const { server } of listeners) {
    answerExpectContinue(server, config.server.maxBodyBytes);
    server.headersTimeout = config.server.headersTimeoutMs;
    server.requestTimeout = config.server.requestTimeoutMs;
    server.keepAliveTimeout = config.server.keepAliveTimeoutMs;
  }
  return listeners;
}

/**
 * Express's app.handle does `Object.setPrototypeOf(req, app.request)` and the same for `res` on
 * every request (node_modules/express/lib/application.js). Changing a live object's prototype
 * throws V8 off its fast paths for every property access after it, in Express, the middlewares and
 * Node's own http code. `app.request` and `app.response` are Express's request/response methods over
 * `http.IncomingMessage.prototype` and `http.ServerResponse.prototype` (lib/express.js), so Node can
 * create each request and response with that prototype from birth. Express's call then finds the
 * prototype already in place, which the spec makes a no-op; `instanceof` IncomingMessage/ServerResponse
 * still holds, and nothing of what is written to the wire changes.
 *
 * Without both constructors in the form bornWith needs, Node's own classes are used (Express then
 * changes the prototypes per request, as it does without this).
 */
function expressClassesOf(app: Express): Pick<http.ServerOptions, 'IncomingMessage' | 'ServerResponse'> {
  const IncomingMessage = bornWith<typeof http.IncomingMessage>(http.IncomingMessage, app.request);
  const ServerResponse = bornWith<typeof http.ServerResponse>(http.ServerResponse, app.response);
  return IncomingMessage === null || ServerResponse === null ? {} : { IncomingMessage, ServerResponse };
}

/**
 * A constructor whose instances have `prototype` and are initialised by `base`, called as a plain
 * function on the new object. Node's IncomingMessage and ServerResponse are such functions (not
 * classes). This is the constructor's ordinary form, which V8 builds objects for on its fast path:
 * `Reflect.construct(base, args, Born)` gives the same objects but measured 4x slower per request
 * (bench/http.ts, "without prototypes at birth" line; see README Benchmarks). Null when `base` is a
 * class, which cannot be called so.
 */
function bornWith<T extends abstract new (...args: never[]) => object>(base: T, prototype: object): T | null {
  if (Function.prototype.toString.call(base).startsWith('class')) return null;
  const initialise = base as unknown as (this: object, ...args: unknown[]) => void;
  function Born(this: object, ...args: unknown[]): void {
    initialise.apply(this, args);
  }
  Born.prototype = prototype;
  return Born as unknown as T;
}

/**
 * `Expect: 100-continue`: Node answers "100 Continue" on its own, inviting the body before the
 * handler can refuse it. A declared Content-Length over the largest body any path takes gets no
 * invitation: the request goes straight to its handler, whose body reader answers 413 and closes
 * (read-body.ts). Every other such request is invited at once, as Node would.
 */
function answerExpectContinue(server: http.Server, maxBodyBytes: number): void {
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!declaresMoreThan(req, maxBodyBytes)) res.writeContinue();
    server.emit('request', req, res);
  });
}
