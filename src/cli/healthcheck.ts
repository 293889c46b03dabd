import http from 'node:http';
import { loadConfig } from '../config/load';

/**
 * The container health check (the Dockerfile's HEALTHCHECK): `GET /healthz` on this host's
 * plain-HTTP listener, found from the same configuration the server reads (CONFIG_FILE, PORT,
 * HOST...), so a port changed in the config file or the environment is followed. Exit 0 on 200,
 * 1 otherwise: refused, another status, invalid configuration, or no answer within the timeout.
 * Node asks because the slim image has no curl. Liveness only: readiness is /readyz, for orchestrators
 * that route traffic (Kubernetes).
 */
const TIMEOUT_MS = 3000;
const USAGE = `Usage: node dist/cli/healthcheck.js
Asks GET /healthz of the service on this host (port and interface from the config the server reads).
Exit codes: 0 alive, 1 not (the reason is printed on stderr).`;

/** Where a local client reaches a listener bound to `host`: the loopback address for a wildcard. */
function probeHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host;
}

function ask(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/healthz', agent: false, timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? null : `GET /healthz answered ${String(res.statusCode)}`);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', (error) => resolve(`GET /healthz on ${host}:${port} failed: ${error.message}`));
  });
}

async function main(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    process.stderr.write(`healthcheck: the configuration is invalid:\n${loaded.error.join('\n')}\n`);
    return 1;
  }
  const { host, port } = loaded.value.config.server;
  const problem = await ask(probeHost(host), port);
  if (problem !== null) process.stderr.write(`healthcheck: ${problem}\n`);
  return problem === null ? 0 : 1;
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
