import path from 'node:path';
import type { Express } from 'express';
import pino, { type Logger } from 'pino';
import type { RequestLimiter } from '../../src/http/rate-limit';
import { composeServiceAround } from '../../src/compose';
import { loadConfig } from '../../src/config/load';
import type { AppConfig } from '../../src/config/schema';
import type { AccountDirectory } from '../../src/directory/account-directory';
import { readDirectoryFile, FileDirectory } from '../../src/directory/file-directory';

export const REPO_ROOT = path.resolve(__dirname, '../..');
/** Fixed clock for the Autodiscover error `Time` attribute, so answers are byte-stable. */
export const FIXED_NOW = new Date('2026-01-02T03:04:05.678Z');

/** The example configuration in config/ (the README's demo), loaded exactly as main.ts loads it. */
export function exampleConfig(): { config: AppConfig; accountsFile: string } {
  const loaded = loadConfig({}, REPO_ROOT);
  if (!loaded.ok) throw new Error(`example config is invalid:\n${loaded.error.join('\n')}`);
  if (loaded.value.accountsFile === null) throw new Error('the example config must use a file directory');
  return { config: loaded.value.config, accountsFile: loaded.value.accountsFile };
}

export function exampleDirectory(): AccountDirectory {
  const { accountsFile } = exampleConfig();
  const data = readDirectoryFile(accountsFile);
  if (!data.ok) throw new Error(data.error.join('\n'));
  return FileDirectory.fromData(data.value);
}

/**
 * The app as main.ts composes it (compose.ts), on the example config with a fixed clock and a silent
 * logger unless one is given; `directory` replaces the example account file, overrides patch config sections.
 */
export function exampleApp(
  options: {
    config?: (config: AppConfig) => AppConfig;
    directory?: AccountDirectory;
    rateLimiter?: RequestLimiter;
    logger?: Logger;
    /** false: every request through Express's router, to compare with the fast lane. */
    fastLane?: boolean;
  } = {},
): Express {
  // The per-IP limit would trip on suites that send hundreds of requests from 127.0.0.1; the
  // rate-limit tests switch it back on through `config`.
  const base = {
    ...structuredClone(exampleConfig().config),
    rateLimit: { enabled: false, points: 120, durationSeconds: 60, allowlist: [] },
  };
  const config = options.config ? options.config(base) : base;
  const service = composeServiceAround(
    config,
    options.directory ?? exampleDirectory(),
    options.logger ?? pino({ level: 'silent' }),
    {
      now: () => FIXED_NOW,
      ...(options.rateLimiter === undefined ? {} : { rateLimiter: options.rateLimiter }),
      ...(options.fastLane === undefined ? {} : { fastLane: options.fastLane }),
    },
  );
  if (!service.ok) throw new Error(service.error.join('\n'));
  return service.value.app;
}
