import {
  DirectoryUnavailableError,
  type AccountDirectory,
  type AccountQuery,
  type DirectoryAnswer,
} from '../../src/directory/account-directory';
import { applyDomainDefault } from '../../src/directory/apply-domain-default';
import { parseDirectoryData, recordsFromData, type DirectoryData } from '../../src/directory/directory-data';

/** Account data in the account-file format, e.g. { domains: [...], accounts: [...] }. */
export interface AccountsInput {
  readonly domains?: ReadonlyArray<{ readonly domain: string; readonly defaultAccessType: 'pop' | 'business' }>;
  readonly accounts?: ReadonlyArray<{
    readonly address: string;
    readonly accessType: 'pop' | 'business';
    readonly displayName?: string;
  }>;
}

/**
 * An in-memory directory whose data a test can change (an admin's edit), counting the lookups that
 * reach it and able to play unavailable.
 */
export class MutableDirectory implements AccountDirectory {
  lookups = 0;
  unavailable = false;
  private data: DirectoryData;

  constructor(input: AccountsInput) {
    this.data = parseData(input);
  }

  replace(input: AccountsInput): void {
    this.data = parseData(input);
  }

  async lookup(query: AccountQuery): Promise<DirectoryAnswer> {
    this.lookups += 1;
    if (this.unavailable) throw new DirectoryUnavailableError('test directory is down');
    return applyDomainDefault(query, recordsFromData(this.data, query));
  }

  async close(): Promise<void> {}
}

function parseData(input: AccountsInput): DirectoryData {
  const parsed = parseDirectoryData('test accounts', input);
  if (!parsed.ok) throw new Error(parsed.error.join('\n'));
  return parsed.value;
}
