/**
 * The service with one of its speed-ups switched off, for the HTTP bench's "parts" lines
 * (bench/http.ts starts it with `node`, as bench/http-targets.ts startServiceVariant). Plain
 * JavaScript on the built service (dist/), like `npm start`: no loader in this process to cost CPU
 * the service then seems to use.
 *
 * Mirrors src/serve.ts for one process without TLS: the config from the environment (CONFIG_FILE,
 * PORT, HOST), the production logger (info to stdout), composeService, createListeners, listen.
 * argv[2]: JSON { fastLane, expressPrototypesAtBirth }, both booleans (`npm start`: true, false).
 * SIGTERM exits.
 */
import process from 'node:process';
import { composeService } from '../dist/compose.js';
import { loadConfig } from '../dist/config/load.js';
import { createListeners } from '../dist/http/listeners.js';
import { createLogger } from '../dist/http/logger.js';

async function main() {
  const { fastLane, expressPrototypesAtBirth } = JSON.parse(process.argv[2]);
  if (typeof fastLane !== 'boolean' || typeof expressPrototypesAtBirth !== 'boolean')
    throw new Error(`expected {"fastLane": boolean, "expressPrototypesAtBirth": boolean}, got ${process.argv[2]}`);
  const loaded = loadConfig(process.env);
  if (!loaded.ok) throw new Error(loaded.error.join('\n'));
  const { config } = loaded.value;
  const logger = createLogger(config.log.level);
  const service = await composeService(loaded.value, logger, { fastLane });
  if (!service.ok) throw new Error(service.error.join('\n'));
  for (const { server, port } of createListeners(service.value.app, config, null, { expressPrototypesAtBirth })) {
    server.on('error', (error) => {
      process.stderr.write(`cannot listen on ${port}: ${error.message}\n`);
      process.exit(1);
    });
    server.listen(port, config.server.host);
  }
  process.once('SIGTERM', () => {
    // The bench stops it once its load is over: close the backends, nothing to drain.
    void service.value.close().finally(() => process.exit(0));
  });
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
