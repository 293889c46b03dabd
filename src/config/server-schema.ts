import { z } from 'zod';
import { tcpPort } from './fields';

const milliseconds = (fallback: number) => z.int().min(100).max(600_000).default(fallback);

/** The HTTP(S) listeners (`server` in the config file). */
export const serverSchema = z
  .strictObject({
    /** Interface to listen on; env HOST overrides. */
    host: z.string().min(1).default('0.0.0.0'),
    /** Plain-HTTP port; env PORT overrides. Thunderbird reads autoconfig over plain HTTP too. */
    port: tcpPort.default(8080),
    /** Express "trust proxy": false, true, a hop count, or a list of proxy addresses/subnets. */
    trustProxy: z.union([z.boolean(), z.int().min(0), z.string().min(1)]).default(false),
    /** Autodiscover request bodies above this size are refused; real requests are under 1 KiB. */
    maxBodyBytes: z
      .int()
      .min(512)
      .max(1024 * 1024)
      .default(8 * 1024),
    /** Time a client may take to send the request headers (slowloris bound). */
    headersTimeoutMs: milliseconds(10_000),
    /** Time a client may take to send the whole request. */
    requestTimeoutMs: milliseconds(15_000),
    /** Idle keep-alive connections are closed after this. */
    keepAliveTimeoutMs: milliseconds(5_000),
    /** On SIGTERM, in-flight requests get this long before connections are cut. */
    shutdownTimeoutMs: milliseconds(10_000),
    /** Serve HTTPS directly (instead of behind a TLS-terminating proxy). */
    https: z
      .strictObject({
        port: tcpPort.default(8443),
        /** PEM certificate chain and key, relative to the config file. */
        certFile: z.string().min(1, { error: 'must name the PEM certificate (chain) file' }),
        keyFile: z.string().min(1, { error: 'must name the PEM private key file' }),
      })
      .nullable()
      .default(null),
    /**
     * Answer plain-HTTP Autodiscover with a redirect to autodiscover.publicUrl (GET 302, POST 307), as
     * Outlook's port-80 probe expects. On by default when `https` is set; behind a proxy, set it with
     * trustProxy so X-Forwarded-Proto tells HTTP from HTTPS.
     */
    redirectPlainHttpAutodiscover: z.boolean().nullable().default(null),
  })
  .prefault({});
