import { z } from 'zod';
import { err, ok } from '../model/result';
import { bearerToken } from './admin-schema';
import type { EnvironmentBinding } from './environment-binding';
import { tcpPort } from './fields';

/**
 * Prometheus metrics (`metrics` in the config file). On by default at `GET /metrics` on the service's
 * own port(s), where a scraper finds them without more setup; a port of their own keeps them off the
 * public listener, and a token makes the scraper authenticate (README "Observe").
 */
export const metricsSchema = z
  .strictObject({
    /** false: no metrics are kept and `/metrics` is an unknown path. */
    enabled: z.boolean().default(true),
    /** A plain-HTTP port for `/metrics` alone (on server.host); null: on the service's own ports. */
    port: tcpPort.nullable().default(null),
    /** Bearer token a scraper must send; env METRICS_TOKEN overrides. null: none asked for. */
    token: bearerToken('METRICS_TOKEN'),
  })
  .prefault({});

export type MetricsConfig = z.infer<typeof metricsSchema>;

export const metricsEnvironment: readonly EnvironmentBinding[] = [
  { variable: 'METRICS_TOKEN', path: ['metrics', 'token'] },
  {
    variable: 'METRICS_PORT',
    path: ['metrics', 'port'],
    parse: (text) => {
      const port = tcpPort.safeParse(Number(text));
      return port.success ? ok(port.data) : err('must be a TCP port from 1 to 65535');
    },
  },
];
