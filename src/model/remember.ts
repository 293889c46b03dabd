/**
 * Remembers what a pure function returned for a string key, keeping the `kept` most recently used.
 * The hot path asks the same questions over and over (the same address parsed, the same settings
 * resolved and rendered for every retry of one client); remembering them turns each repeat into a
 * map lookup, and keeps handing out the same objects, which the next memo can key by identity.
 */
export class RecentlyUsed<Value> {
  private readonly entries = new Map<string, Value>();

  constructor(private readonly kept: number) {}

  get(key: string, compute: () => Value): Value {
    const known = this.entries.get(key);
    if (known !== undefined) {
      // A Map iterates in insertion order: moving a hit to the end leaves the least recently used first.
      this.entries.delete(key);
      this.entries.set(key, known);
      return known;
    }
    const value = compute();
    this.entries.set(key, value);
    if (this.entries.size > this.kept) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** How many answers a hot-path memo keeps: a burst's worth of distinct accounts, a few MiB at most. */
export const RECENT_ANSWERS_KEPT = 4096;

/** `compute` remembered by its one string argument. */
export function rememberByText<Value>(
  compute: (text: string) => Value,
  kept: number = RECENT_ANSWERS_KEPT,
): (text: string) => Value {
  const recent = new RecentlyUsed<Value>(kept);
  return (text) => recent.get(text, () => compute(text));
}
