import cluster from 'node:cluster';
import { dirname } from 'node:path';
import { runPrimary } from './cluster/primary';
import { sharedStdoutDestination } from './cluster/shared-stdout-destination';
import { clusterWorkerHooks } from './cluster/worker';
import { loadConfig } from './config/load';
import { trustProxyHazard } from './config/trust-proxy';
import { createLogger } from './http/logger';
import { readTlsFiles } from './http/listeners';
import { serve } from './serve';

/**
 * Start-up: validate everything first, then serve: in this process (server.workers 1), or as a
 * cluster primary forking that many workers, each of which runs this file again and serves.
 */
async function main(): Promise<void> {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    exitWithProblems(loaded.error);
    return;
  }
  const { config, configFile } = loaded.value;
  const tls = readTlsFiles(config, configFile === null ? process.cwd() : dirname(configFile));
  if (Array.isArray(tls)) {
    exitWithProblems(tls);
    return;
  }
  const clustered = config.server.workers > 1 || cluster.isWorker;
  const logger = createLogger(config.log.level, clustered ? sharedStdoutDestination() : undefined);
  // Once per instance: a cluster's workers run main too, with the same config.
  const proxyHazard = trustProxyHazard(config.server.trustProxy);
  if (proxyHazard !== null && cluster.isPrimary) logger.warn({ trustProxy: config.server.trustProxy }, proxyHazard);
  if (clustered && cluster.isPrimary) {
    runPrimary({
      workers: config.server.workers,
      shutdownTimeoutMs: config.server.shutdownTimeoutMs,
      logger,
      metrics: config.metrics.enabled
        ? { host: config.server.host, port: config.metrics.port, token: config.metrics.token }
        : null,
    });
    return;
  }
  const problems = await serve(loaded.value, tls, logger, cluster.isWorker ? clusterWorkerHooks() : {});
  if (problems === null) return;
  exitWithProblems(problems);
  // A worker's channel to the primary would keep it alive; the primary then stops the others.
  if (cluster.isWorker) process.exit();
}

function exitWithProblems(problems: readonly string[]): void {
  process.stderr.write(
    `mail-autodiscover cannot start; fix these and start again:\n${problems.map((line) => `  - ${line}\n`).join('')}`,
  );
  process.exitCode = 1;
}

void main();
