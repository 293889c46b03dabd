import type { AccountQuery, DirectoryAnswer } from './account-directory';
import { cacheKeyOf, type LookupCache } from './lookup-cache';

interface Entry {
  readonly answer: DirectoryAnswer;
  readonly expiresAt: number;
}

/**
 * In-process cache with per-entry expiry and a size bound. A Map keeps insertion order, so the
 * oldest entry is evicted first when full; reads re-insert to keep hot entries.
 */
export class MemoryLookupCache implements LookupCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(query: AccountQuery): Promise<DirectoryAnswer | undefined> {
    const key = cacheKeyOf(query);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.answer;
  }

  async set(query: AccountQuery, answer: DirectoryAnswer, ttlSeconds: number): Promise<void> {
    if (ttlSeconds <= 0) return;
    const key = cacheKeyOf(query);
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { answer, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
