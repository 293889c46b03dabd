import { buildApp } from './app';
import { loadConfig } from './config/load';
import { CachedDirectory } from './directory/cached-directory';
import { FileDirectory } from './directory/file-directory';
import { MemoryLookupCache } from './directory/memory-cache';
import { createLogger } from './http/logger';

/** Start-up: validate everything first, then listen; on SIGTERM/SIGINT stop accepting and close. */
function main(): void {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) return exitWithProblems(loaded.error);
  const { config, configFile, accountsFile } = loaded.value;
  const source = FileDirectory.open(accountsFile);
  if (!source.ok) return exitWithProblems(source.error);

  const logger = createLogger(config.log.level);
  const directory = new CachedDirectory(source.value, new MemoryLookupCache(config.cache.maxEntries), config.cache);
  const app = buildApp({ config, directory, logger });
  const server = app.listen(config.server.port, config.server.host, () => {
    logger.info({ host: config.server.host, port: config.server.port, configFile, accountsFile }, 'mail-autodiscover listening');
  });
  server.on('error', (error) => {
    logger.fatal({ err: error }, 'cannot listen');
    process.exit(1);
  });

  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      void directory.close().finally(() => process.exit(0));
    });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

function exitWithProblems(problems: readonly string[]): void {
  process.stderr.write(`mail-autodiscover cannot start; fix these and start again:\n${problems.map((line) => `  - ${line}\n`).join('')}`);
  process.exitCode = 1;
}

main();
