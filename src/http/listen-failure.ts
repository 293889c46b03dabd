/** The setting that chose a port, as an operator would change it: the key and its environment variable. */
export interface PortSetting {
  readonly key: 'server.port' | 'server.https.port' | 'metrics.port';
  readonly variable: 'PORT' | 'METRICS_PORT' | null;
}

export const PORT_SETTINGS = {
  http: { key: 'server.port', variable: 'PORT' },
  https: { key: 'server.https.port', variable: null },
  metrics: { key: 'metrics.port', variable: 'METRICS_PORT' },
} as const satisfies Record<string, PortSetting>;

/**
 * One line for a listener that could not start: what went wrong, the setting to change and how,
 * instead of the listen error's stack (an operator's mistake, not a bug).
 */
export function describeListenFailure(error: unknown, host: string, port: number, setting: PortSetting): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const change = `${setting.key}${setting.variable === null ? '' : ` (env ${setting.variable})`}`;
  switch (code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: port ${port} is already in use; stop what listens there, or set another port in ${change}`;
    case 'EACCES':
      return `cannot listen on ${where}: not allowed to use port ${port} (ports below 1024 need privileges); set a port from 1024 up in ${change} and put a proxy or port mapping in front, or grant the process CAP_NET_BIND_SERVICE`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: ${host} is not an address of this machine; set server.host (env HOST) to one of its addresses, or 0.0.0.0 for all`;
    default: {
      const reason = error instanceof Error ? error.message : String(error);
      return `cannot listen on ${where}: ${reason}; check server.host (env HOST) and ${change}`;
    }
  }
}
