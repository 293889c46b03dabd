import type { AccessType } from '../model/access-type';
import type { DomainPlatform } from '../model/platform';
import { NOT_HOSTED, type AccountQuery, type DirectoryAnswer } from './account-directory';

/** What a source found for a query; sources find records and never decide the answer themselves. */
export interface AccountRecords {
  /** The hosted domain's entry; null when the domain is not hosted here. */
  readonly domain: { readonly defaultAccessType: AccessType; readonly platform?: DomainPlatform } | null;
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
  const answer: DirectoryAnswer =
    query.address === null
      ? { hosted: true, accessType: domain.defaultAccessType, mailbox: 'not-asked', displayName: null }
      : account === null
        ? { hosted: true, accessType: domain.defaultAccessType, mailbox: 'unknown', displayName: null }
        : { hosted: true, accessType: account.accessType, mailbox: 'known', displayName: account.displayName };
  // The platform key only where the domain has one: answers of every other domain keep their shape.
  return domain.platform === undefined ? answer : { ...answer, platform: domain.platform };
}
