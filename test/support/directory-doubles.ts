import type { AccountDirectory, AccountQuery, DirectoryAnswer } from '../../src/directory/account-directory';

/** Test doubles for the cache and directory unit tests: a hand-moved clock and a scripted source. */

export interface ManualClock {
  readonly now: () => number;
  advanceSeconds(seconds: number): void;
}

export function manualClock(start = 1_700_000_000_000): ManualClock {
  let time = start;
  return {
    now: () => time,
    advanceSeconds: (seconds) => {
      time += seconds * 1000;
    },
  };
}

export const POP_KNOWN: DirectoryAnswer = { hosted: true, accessType: 'pop', mailbox: 'known', displayName: null };
export const BUSINESS_KNOWN: DirectoryAnswer = {
  hosted: true,
  accessType: 'business',
  mailbox: 'known',
  displayName: null,
};
export const POP_UNKNOWN_MAILBOX: DirectoryAnswer = {
  hosted: true,
  accessType: 'pop',
  mailbox: 'unknown',
  displayName: null,
};
export const NOT_HOSTED_ANSWER: DirectoryAnswer = { hosted: false };

export const mailboxQuery = (address: string): AccountQuery => ({
  domain: address.slice(address.lastIndexOf('@') + 1),
  address: address.toLowerCase(),
});

/**
 * A source whose answer is set by the test (`answer` or `fail`) and which counts its lookups.
 * `hold()` makes lookups wait until `release()`, so concurrent callers really overlap.
 */
export class ScriptedSource implements AccountDirectory {
  calls = 0;
  private respond: (query: AccountQuery) => DirectoryAnswer = () => POP_KNOWN;
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;

  answer(answer: DirectoryAnswer): this {
    this.respond = () => answer;
    return this;
  }

  fail(error: Error): this {
    this.respond = () => {
      throw error;
    };
    return this;
  }

  hold(): this {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
    return this;
  }

  release(): void {
    this.open?.();
    this.gate = null;
  }

  async lookup(query: AccountQuery): Promise<DirectoryAnswer> {
    this.calls += 1;
    if (this.gate !== null) await this.gate;
    return this.respond(query);
  }

  async close(): Promise<void> {}
}
