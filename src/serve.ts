import type { Logger } from 'pino';
import { composeService, type Service, type WorkerSharing } from './compose';
import type { LoadedConfig } from './config/load';
import { SHUTDOWN_SIGNALS, type ShutdownSignal } from './cluster/messages';
import { describeListenFailure, PORT_SETTINGS, type PortSetting } from './http/listen-failure';
import { createListeners, type Listener, type TlsCredentials } from './http/listeners';
import { createMetricsServer } from './http/metrics-router';
import { exitAfterLogFlush } from './http/stdout-destination';

/** How the process that serves is driven from outside it; a single process uses none, a cluster worker all. */
export interface ServeHooks {
  /** What a cluster worker shares with the others through the primary (compose.ts). */
  readonly workerSharing?: WorkerSharing;
  /** Called once every listener is listening. */
  readonly onListening?: () => void;
  /** Receives the shutdown control once listening, so a cluster primary can drive it too. */
  readonly onShutdownControl?: (control: ShutdownControl) => void;
}

/** The two ways to stop, as the first and second SIGTERM/SIGINT do. */
export interface ShutdownControl {
  /** Stop accepting, let in-flight requests finish, close backends, exit 0; once started, does nothing more. */
  drain(signal: ShutdownSignal): void;
  /** Exit at once with 130. */
  exitNow(signal: ShutdownSignal): void;
}

/**
 * Composes the service and listens, in this process (one worker, or one cluster worker); SIGTERM and
 * SIGINT drain and close. Returns the problems that keep it from starting, after which nothing listens.
 */
export async function serve(
  loaded: LoadedConfig,
  tls: TlsCredentials | null,
  logger: Logger,
  hooks: ServeHooks = {},
): Promise<string[] | null> {
  const { config, configFile, accountsFile } = loaded;
  const service = await composeService(loaded, logger, {}, hooks.workerSharing ?? null);
  if (!service.ok) return service.error;

  const listeners = createListeners(service.value.app, config, tls);
  // Metrics on a port of their own (in a cluster, the primary serves them there).
  const metrics = service.value.metrics;
  if (metrics !== null && config.metrics.port !== null && hooks.workerSharing === undefined) {
    listeners.push({
      server: createMetricsServer(metrics.source, config.metrics.token),
      port: config.metrics.port,
      scheme: 'http',
    });
  }
  // Certificates renewed on disk are served on the next handshake, without a restart.
  if (tls?.certificateDirectory != null && config.server.https !== null)
    tls.certificateDirectory.watch(logger, config.server.https.rescanSeconds);
  let listening = 0;
  for (const { server, port, scheme } of listeners) {
    const setting: PortSetting =
      port === config.metrics.port
        ? PORT_SETTINGS.metrics
        : scheme === 'https'
          ? PORT_SETTINGS.https
          : PORT_SETTINGS.http;
    server.on('error', (error) => {
      // One line naming the setting and the fix; no stack: a taken port is not a bug.
      const code = (error as NodeJS.ErrnoException).code;
      logger.fatal(
        { host: config.server.host, port, code },
        describeListenFailure(error, config.server.host, port, setting),
      );
      exitAfterLogFlush(logger, 1);
    });
    server.listen(port, config.server.host, () => {
      logger.info(
        { scheme, host: config.server.host, port, configFile, directory: config.directory.type, accountsFile },
        'mail-autodiscover listening',
      );
      if (++listening === listeners.length) hooks.onListening?.();
    });
  }
  const control = handleShutdownSignals(listeners, service.value, config.server.shutdownTimeoutMs, logger);
  hooks.onShutdownControl?.(control);
  return null;
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
): ShutdownControl {
  let stopping = false;
  const exitNow = (signal: ShutdownSignal): void => {
    logger.warn({ signal }, 'second signal: exiting now');
    exitAfterLogFlush(logger, 130);
  };
  const drain = (signal: ShutdownSignal): void => {
    if (stopping) return;
    stopping = true;
    service.readiness.markDraining();
    logger.info({ signal, timeoutMs }, 'shutting down: draining in-flight requests');
    const forceTimer = setTimeout(() => {
      logger.warn('shutdown timeout: closing remaining connections');
      for (const { server } of listeners) server.closeAllConnections();
    }, timeoutMs);
    forceTimer.unref();
    // Backends that will not close (a hung Redis quit) must not keep the process alive forever.
    setTimeout(() => {
      logger.error('shutdown did not complete in time; exiting');
      exitAfterLogFlush(logger, 1);
    }, timeoutMs + 5_000).unref();
    // Keep-alive connections go idle once their in-flight request is answered; close them as they do.
    const idleSweep = setInterval(() => {
      for (const { server } of listeners) server.closeIdleConnections();
    }, 100);
    idleSweep.unref();
    // A listener still starting is closed once it listens: closing it earlier makes a cluster worker
    // crash inside Node when the primary's answer to its listen arrives (a stack instead of a line).
    const closed = listeners.map(
      ({ server }) =>
        new Promise<void>((done) => {
          const close = (): void => void server.close(() => done());
          if (server.listening) close();
          else server.once('listening', close);
        }),
    );
    void Promise.all(closed)
      .then(() => service.close())
      .catch((error: unknown) => logger.error({ err: error }, 'error while closing backends'))
      .finally(() => {
        logger.info('stopped');
        exitAfterLogFlush(logger, 0);
      });
  };
  // Counts this process's own signals only: in a cluster, a signal to the whole process group also
  // reaches the primary, whose relayed drain() may come first and must not make it the second.
  let signalled = false;
  const onSignal = (signal: ShutdownSignal): void => {
    if (signalled) {
      exitNow(signal);
      return;
    }
    signalled = true;
    drain(signal);
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, () => onSignal(signal));
  return { drain, exitNow };
}
