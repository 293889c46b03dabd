import type { AccountQuery, DirectoryAnswer } from '../../src/directory/account-directory';
import { applyDomainDefault, NO_RECORDS, type AccountRecords } from '../../src/directory/apply-domain-default';

const ADDRESS: AccountQuery = { domain: 'example.com', address: 'jane@example.com' };
const DOMAIN_ONLY: AccountQuery = { domain: 'example.com', address: null };
const HOSTED_POP = { defaultAccessType: 'pop' } as const;
const JANE_BUSINESS = { accessType: 'business', displayName: 'Jane Doe' } as const;

describe('applyDomainDefault', () => {
  test.each<[string, AccountQuery, AccountRecords, DirectoryAnswer]>([
    ['domain not hosted, address asked › not hosted', ADDRESS, NO_RECORDS, { hosted: false }],
    ['domain not hosted, domain only › not hosted', DOMAIN_ONLY, NO_RECORDS, { hosted: false }],
    [
      // A source cannot know an account of a domain it does not host; should one say so, the domain decides.
      'domain not hosted but an account entry › not hosted',
      ADDRESS,
      { domain: null, account: JANE_BUSINESS },
      { hosted: false },
    ],
    [
      'hosted, address with its own entry › its access type and display name, known',
      ADDRESS,
      { domain: HOSTED_POP, account: JANE_BUSINESS },
      { hosted: true, accessType: 'business', mailbox: 'known', displayName: 'Jane Doe' },
    ],
    [
      'hosted, entry without display name › null display name',
      ADDRESS,
      { domain: HOSTED_POP, account: { accessType: 'pop', displayName: null } },
      { hosted: true, accessType: 'pop', mailbox: 'known', displayName: null },
    ],
    [
      'hosted, address without an entry › the domain default, unknown, no display name',
      ADDRESS,
      { domain: HOSTED_POP, account: null },
      { hosted: true, accessType: 'pop', mailbox: 'unknown', displayName: null },
    ],
    [
      'hosted, domain only › the domain default, not-asked',
      DOMAIN_ONLY,
      { domain: HOSTED_POP, account: null },
      { hosted: true, accessType: 'pop', mailbox: 'not-asked', displayName: null },
    ],
    [
      'hosted, domain only, an account entry anyway › ignored: the domain default, not-asked',
      DOMAIN_ONLY,
      { domain: HOSTED_POP, account: JANE_BUSINESS },
      { hosted: true, accessType: 'pop', mailbox: 'not-asked', displayName: null },
    ],
  ])('%s', (_case, query, records, expected) => {
    expect(applyDomainDefault(query, records)).toEqual(expected);
  });
});
