import type { AccessType } from '../model/access-type';
import { NOT_HOSTED, type AccountQuery, type DirectoryAnswer } from './account-directory';

/** What a source found for a query; sources find records and never decide the answer themselves. */
export interface AccountRecords {
  /** The hosted domain's entry; null when the domain is not hosted here. */
  readonly domain: { readonly defaultAccessType: AccessType } | null;
  /** The asked address's own entry; null when it has none. Ignored when no address was asked. */
  readonly account: { readonly accessType: AccessType; readonly displayName: string | null } | null;
}

export const NO_RECORDS: AccountRecords = Object.freeze({ domain: null, account: null });

/**
 * The domain-default rule, which is what stops mailbox enumeration: an address without an entry of
 * its own, at a hosted domain, gets the domain's default access type, so an answer never reveals
 * whether a mailbox exists. The one place it is applied, for every source.
 */
export function applyDomainDefault(query: AccountQuery, records: AccountRecords): DirectoryAnswer {
  const { domain, account } = records;
  if (domain === null) return NOT_HOSTED;
  if (query.address === null)
    return { hosted: true, accessType: domain.defaultAccessType, mailbox: 'not-asked', displayName: null };
  if (account === null)
    return { hosted: true, accessType: domain.defaultAccessType, mailbox: 'unknown', displayName: null };
  return { hosted: true, accessType: account.accessType, mailbox: 'known', displayName: account.displayName };
}
