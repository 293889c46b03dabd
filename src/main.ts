import { dirname } from 'node:path';
import { loadConfig } from './config/load';
import { createLogger } from './http/logger';
import { createListeners, readTlsFiles, type Listener } from './http/listeners';
import { composeService, type Service } from './compose';
import type { Logger } from 'pino';

/** Start-up: validate everything first, then listen; SIGTERM/SIGINT drain and close. */
async function main(): Promise<void> {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    exitWithProblems(loaded.error);
    return;
  }
  const { config, configFile, accountsFile } = loaded.value;
  const tls = readTlsFiles(config, configFile === null ? process.cwd() : dirname(configFile));
  if (Array.isArray(tls)) {
    exitWithProblems(tls);
    return;
  }
  const logger = createLogger(config.log.level);
  const service = await composeService(loaded.value, logger);
  if (!service.ok) {
    exitWithProblems(service.error);
    return;
  }

  const listeners = createListeners(service.value.app, config, tls);
  for (const { server, port, scheme } of listeners) {
    server.on('error', (error) => {
      logger.fatal({ err: error, port }, 'cannot listen');
      process.exit(1);
    });
    server.listen(port, config.server.host, () => {
      logger.info(
        { scheme, host: config.server.host, port, configFile, directory: config.directory.type, accountsFile },
        'mail-autodiscover listening',
      );
    });
  }
  handleShutdownSignals(listeners, service.value, config.server.shutdownTimeoutMs, logger);
}

/**
 * First SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close backends, exit 0; after
 * the timeout, cut remaining connections. A second signal exits at once.
 */
function handleShutdownSignals(
  listeners: readonly Listener[],
  service: Service,
  timeoutMs: number,
  logger: Logger,
): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal, timeoutMs }, 'shutting down: draining in-flight requests');
    const forceTimer = setTimeout(() => {
      logger.warn('shutdown timeout: closing remaining connections');
      for (const { server } of listeners) server.closeAllConnections();
    }, timeoutMs);
    forceTimer.unref();
    // Backends that will not close (a hung Redis quit) must not keep the process alive forever.
    setTimeout(() => {
      logger.error('shutdown did not complete in time; exiting');
      process.exit(1);
    }, timeoutMs + 5_000).unref();
    // Keep-alive connections go idle once their in-flight request is answered; close them as they do.
    const idleSweep = setInterval(() => {
      for (const { server } of listeners) server.closeIdleConnections();
    }, 100);
    idleSweep.unref();
    const closed = listeners.map(({ server }) => new Promise<void>((done) => server.close(() => done())));
    void Promise.all(closed)
      .then(() => service.close())
      .catch((error: unknown) => logger.error({ err: error }, 'error while closing backends'))
      .finally(() => {
        logger.info('stopped');
        process.exit(0);
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

function exitWithProblems(problems: readonly string[]): void {
  process.stderr.write(
    `mail-autodiscover cannot start; fix these and start again:\n${problems.map((line) => `  - ${line}\n`).join('')}`,
  );
  process.exitCode = 1;
}

void main();
