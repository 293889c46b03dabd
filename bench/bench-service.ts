import pino from 'pino';
import { composeServiceAround, type Service } from '../src/compose';
import { loadConfig } from '../src/config/load';
import type { AppConfig } from '../src/config/schema';
import type { AccountDirectory } from '../src/directory/account-directory';

/**
 * The service as main.ts composes it (compose.ts), in front of `source`, on the example config with
 * the rate limit off and `cache` patched in.
 */
export function benchService(source: AccountDirectory, cache: Partial<AppConfig['cache']>): Service {
  const loaded = loadConfig({ LOG_LEVEL: 'silent' });
  if (!loaded.ok) throw new Error(loaded.error.join('\n'));
  const { config } = loaded.value;
  const service = composeServiceAround(
    { ...config, rateLimit: { ...config.rateLimit, enabled: false }, cache: { ...config.cache, ...cache } },
    source,
    pino({ level: 'silent' }),
  );
  if (!service.ok) throw new Error(service.error.join('\n'));
  return service.value;
}
