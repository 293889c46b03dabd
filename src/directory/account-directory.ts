import type { AccessType } from '../model/access-type';
import type { DomainPlatform } from '../model/platform';

/** What the directory is asked: a hosted domain, and optionally one address in it. */
export interface AccountQuery {
  /** ASCII, lower-case domain. */
  readonly domain: string;
  /** `EmailAddress.lookupKey`, or null for the domain's own answer (autoconfig without an address). */
  readonly address: string | null;
}

/**
 * The directory's answer. A mailbox the directory does not know, at a hosted domain, gets the
 * domain's default access type (`mailbox: 'unknown'`), so answers never reveal which mailboxes exist.
 */
export type DirectoryAnswer =
  | {
      readonly hosted: true;
      readonly accessType: AccessType;
      readonly mailbox: 'known' | 'unknown' | 'not-asked';
      readonly displayName: string | null;
      /** The domain's own platform, when it has one (validated; docs/protocols.md §14). */
      readonly platform?: DomainPlatform | undefined;
    }
  | { readonly hosted: false };

/** Thrown when the backing store cannot answer (database down, file unreadable, API timeout). */
export class DirectoryUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DirectoryUnavailableError';
  }
}

/**
 * The store answered, but what it holds for the query is refused by the checks (a domain's platform
 * with a bad value). Clients get the same temporary error as in an outage; it is logged as the data
 * problem it is, not as an outage (outage-logged-directory.ts).
 */
export class DirectoryDataError extends DirectoryUnavailableError {
  constructor(message: string) {
    super(message);
    this.name = 'DirectoryDataError';
  }
}

/** Where each mailbox's access type comes from: a file, a database or an API, optionally behind a cache. */
export interface AccountDirectory {
  /** Resolves the access type; throws DirectoryUnavailableError when the source cannot answer. */
  lookup(query: AccountQuery): Promise<DirectoryAnswer>;
  /**
   * A source whose data changes under it (the watched account file) calls `listener` with the
   * domains whose answers changed, so answers cached in front of it can be dropped.
   */
  onChange?(listener: (changedDomains: readonly string[]) => void): void;
  /** Releases connections, timers and file watchers. */
  close(): Promise<void>;
}

export const NOT_HOSTED: DirectoryAnswer = Object.freeze({ hosted: false });
