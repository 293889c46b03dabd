import type { Server } from 'node:http';
import { buildApp } from './app';
import { loadConfig } from './config/load';
import { createLogger } from './http/logger';
import { createServices } from './services';

/** Start-up: validate everything first, then listen; on SIGTERM/SIGINT stop accepting and close. */
async function main(): Promise<void> {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) return exitWithProblems(loaded.error);
  const { config, configFile, accountsFile } = loaded.value;
  const logger = createLogger(config.log.level);
  const services = await createServices(loaded.value, logger);
  if (!services.ok) return exitWithProblems(services.error);

  const app = buildApp({ config, directory: services.value.directory, logger });
  const server: Server = app.listen(config.server.port, config.server.host, () => {
    logger.info({ host: config.server.host, port: config.server.port, configFile, accountsFile }, 'mail-autodiscover listening');
  });
  server.on('error', (error) => {
    logger.fatal({ err: error }, 'cannot listen');
    process.exit(1);
  });

  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      void services.value.close().finally(() => process.exit(0));
    });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

function exitWithProblems(problems: readonly string[]): void {
  process.stderr.write(`mail-autodiscover cannot start; fix these and start again:\n${problems.map((line) => `  - ${line}\n`).join('')}`);
  process.exitCode = 1;
}

void main();
