import type { AccountQuery } from '../directory/account-directory';
import type { InvalidationTarget } from './invalidation-target';
import { cacheKeyOf, cacheKeysOf, type CachedAnswer, type LookupCache } from './lookup-cache';

interface Entry {
  readonly cached: CachedAnswer;
  readonly expiresAt: number;
}

/**
 * In-process cache with per-entry expiry and a size bound. A Map keeps insertion order, so the
 * least recently used entry is evicted first when full; reads re-insert to keep hot entries.
 */
export class MemoryLookupCache implements LookupCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(query: AccountQuery): Promise<CachedAnswer | undefined> {
    const key = cacheKeyOf(query);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.cached;
  }

  async set(query: AccountQuery, cached: CachedAnswer, keepSeconds: number): Promise<void> {
    if (keepSeconds <= 0) return;
    const key = cacheKeyOf(query);
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { cached, expiresAt: this.now() + keepSeconds * 1000 });
  }

  async invalidate(target: InvalidationTarget): Promise<void> {
    const keys = cacheKeysOf(target);
    if ('exact' in keys) {
      this.entries.delete(keys.exact);
      return;
    }
    for (const key of [...this.entries.keys()]) {
      if (key.startsWith(keys.prefix)) this.entries.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
