import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { err, ok, type Result } from '../model/result';
import type { EnvironmentBinding } from './environment-binding';
import { hostName, milliseconds, tcpPort } from './fields';
import { trustProxySchema } from './trust-proxy';

const listenerTimeout = (fallback: number) => milliseconds(100, 600_000).default(fallback);

/** More processes than this only adds memory and context switches; even big hosts rarely have more cores. */
export const MAX_WORKERS = 256;
const WORKERS_ERROR = `must be a whole number of worker processes from 1 to ${MAX_WORKERS}, or "auto" (one per core)`;
const workerCount = z
  .int({ error: WORKERS_ERROR })
  .min(1, { error: WORKERS_ERROR })
  .max(MAX_WORKERS, { error: WORKERS_ERROR });
const workers = z.union([z.literal('auto'), workerCount], { error: WORKERS_ERROR });

/** "auto": one worker per core this process may use (os.availableParallelism), at most MAX_WORKERS. */
export function resolveWorkers(setting: z.infer<typeof workers>, cores: number = availableParallelism()): number {
  return setting === 'auto' ? Math.min(cores, MAX_WORKERS) : setting;
}

/** The HTTP(S) listeners (`server` in the config file). */
export const serverSchema = z
  .strictObject({
    /** Interface to listen on; env HOST overrides. */
    host: z.string().min(1).default('0.0.0.0'),
    /** Plain-HTTP port; env PORT overrides. Thunderbird reads autoconfig over plain HTTP too. */
    port: tcpPort.default(8080),
    /** Express "trust proxy": false, the proxies' addresses/subnets (recommended), or true / a hop count (warned). */
    trustProxy: trustProxySchema.default(false),
    /** Autodiscover request bodies above this size are refused; real requests are under 1 KiB. */
    maxBodyBytes: z
      .int()
      .min(512)
      .max(1024 * 1024)
      .default(8 * 1024),
    /** Time a client may take to send the request headers (slowloris bound). */
    headersTimeoutMs: listenerTimeout(10_000),
    /** Time a client may take to send the whole request. */
    requestTimeoutMs: listenerTimeout(15_000),
    /** Idle keep-alive connections are closed after this. */
    keepAliveTimeoutMs: listenerTimeout(5_000),
    /** On SIGTERM, in-flight requests get this long before connections are cut. */
    shutdownTimeoutMs: listenerTimeout(10_000),
    /**
     * Processes serving requests: 1 serves in this process; more runs a node:cluster primary that
     * forks that many workers sharing the listeners; "auto" is one per core. Env WORKERS overrides.
     */
    workers: workers.default(1),
    /** Serve HTTPS directly (instead of behind a TLS-terminating proxy). */
    https: z
      .strictObject({
        port: tcpPort.default(8443),
        /** PEM certificate chain and key, relative to the config file: the pair for names the directory has none for. */
        certFile: z.string().min(1, { error: 'must name the PEM certificate (chain) file' }).optional(),
        keyFile: z.string().min(1, { error: 'must name the PEM private key file' }).optional(),
        /**
         * A folder of pairs chosen by SNI, as certbot (`live/<name>/fullchain.pem` + `privkey.pem`) or
         * cert-manager (`<secret>/tls.crt` + `tls.key`) write them; reread when files change
         * (certificate-directory.ts).
         */
        certificateDirectory: z.string().min(1, { error: 'must name a folder of certificates' }).optional(),
        /** Seconds between re-scans of certificateDirectory, for changes no file event reported. */
        rescanSeconds: z.int().min(1).max(86_400).default(60),
      })
      .superRefine((https, context) => {
        if ((https.certFile === undefined) !== (https.keyFile === undefined))
          context.addIssue({
            code: 'custom',
            path: [https.certFile === undefined ? 'certFile' : 'keyFile'],
            message: 'certFile and keyFile go together: name both, or neither and use certificateDirectory',
          });
        if (https.certFile === undefined && https.certificateDirectory === undefined)
          context.addIssue({
            code: 'custom',
            path: ['certificateDirectory'],
            message: 'name certFile and keyFile, certificateDirectory, or both (or remove server.https)',
          });
      })
      .nullable()
      .default(null),
    /** Caddy's on-demand TLS ask endpoint, GET /tls/allowed (tls-ask-router.ts). */
    onDemandTls: z
      .strictObject({
        /**
         * The provider's own names Caddy may obtain certificates for, besides autodiscover./autoconfig./
         * ua-auto-config. names of hosted domains; the host of autodiscover.publicUrl always may.
         */
        providerHostNames: z.array(hostName).max(1000).default([]),
      })
      .prefault({}),
    /**
     * Answer plain-HTTP Autodiscover with a redirect to autodiscover.publicUrl (GET 302, POST 307), as
     * Outlook's port-80 probe expects. null (the default): on when `https` is set. Behind a proxy, set
     * it with trustProxy so X-Forwarded-Proto tells HTTP from HTTPS.
     */
    redirectPlainHttpAutodiscover: z.boolean().nullable().default(null),
  })
  .transform((server) => ({
    ...server,
    redirectPlainHttpAutodiscover: server.redirectPlainHttpAutodiscover ?? server.https !== null,
    workers: resolveWorkers(server.workers),
  }))
  .prefault({});

export const serverEnvironment: readonly EnvironmentBinding[] = [
  {
    variable: 'PORT',
    path: ['server', 'port'],
    parse: (text) => {
      const port = tcpPort.safeParse(Number(text));
      return port.success ? ok(port.data) : err('must be a TCP port from 1 to 65535');
    },
  },
  { variable: 'HOST', path: ['server', 'host'] },
  { variable: 'WORKERS', path: ['server', 'workers'], parse: parseWorkers },
];

/** WORKERS: "auto" or a whole number in range, checked here so the message names the variable. */
function parseWorkers(text: string): Result<unknown, string> {
  const parsed = workers.safeParse(/^\d+$/.test(text) ? Number(text) : text);
  return parsed.success ? ok(parsed.data) : err(WORKERS_ERROR);
}
