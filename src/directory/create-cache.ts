import type { Logger } from 'pino';
import type { AppConfig } from '../config/schema';
import { ok, type Result } from '../model/result';
import type { LookupCache } from './lookup-cache';
import { MemoryLookupCache } from './memory-cache';

/** The lookup cache chosen in config: in-process by default. */
export async function createLookupCache(config: AppConfig, _logger: Logger): Promise<Result<LookupCache, string[]>> {
  return ok(new MemoryLookupCache(config.cache.maxEntries));
}
