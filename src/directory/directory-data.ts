import { z } from 'zod';
import { displayText } from '../config/fields';
import { formatIssues } from '../config/format-issues';
import { ACCESS_TYPES, type AccessType } from '../model/access-type';
import { parseDomainName, parseEmailAddress, ADDRESS_ERROR_MESSAGES } from '../model/email-address';
import { err, ok, type Result } from '../model/result';
import type { AccountQuery } from './account-directory';
import { NO_RECORDS, type AccountRecords } from './apply-domain-default';

/**
 * The account data of the provider's administration, in memory: hosted domains with their default
 * access type, and the mailboxes whose type is set individually. File and HTTP directories share
 * this shape and its validation.
 */
export interface DirectoryData {
  readonly domains: ReadonlyMap<string, HostedDomain>;
}

interface HostedDomain {
  readonly defaultAccessType: AccessType;
  readonly accounts: ReadonlyMap<string, { readonly accessType: AccessType; readonly displayName: string | null }>;
}

/** Shared with the HTTP directory's response schema. */
export const accessType = z.enum(ACCESS_TYPES, { error: 'must be "pop" (POP access) or "business" (Business Mail)' });
export const displayName = displayText(256);

export const directoryFileSchema = z.strictObject({
  domains: z.array(z.strictObject({ domain: z.string(), defaultAccessType: accessType })).default([]),
  accounts: z
    .array(z.strictObject({ address: z.string(), accessType, displayName: displayName.optional() }))
    .default([]),
});

/** Validates untrusted account data, reporting every problem with its place and the fix. */
export function parseDirectoryData(source: string, input: unknown): Result<DirectoryData, string[]> {
  const parsed = directoryFileSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) return err(formatIssues(source, parsed.error.issues));
  const problems: string[] = [];
  const domains = new Map<
    string,
    { defaultAccessType: AccessType; accounts: Map<string, { accessType: AccessType; displayName: string | null }> }
  >();
  parsed.data.domains.forEach((entry, index) => {
    const domain = parseDomainName(entry.domain);
    if (!domain.ok) {
      problems.push(
        `${source}: domains.${index}.domain must be a domain name such as "example.com", got ${JSON.stringify(entry.domain)}`,
      );
    } else if (domains.has(domain.value.ascii)) {
      problems.push(
        `${source}: domains.${index}.domain ${JSON.stringify(entry.domain)} is listed twice; keep one entry`,
      );
    } else {
      domains.set(domain.value.ascii, { defaultAccessType: entry.defaultAccessType, accounts: new Map() });
    }
  });
  parsed.data.accounts.forEach((entry, index) => {
    const address = parseEmailAddress(entry.address);
    if (!address.ok) {
      problems.push(
        `${source}: accounts.${index}.address ${JSON.stringify(entry.address)}: ${ADDRESS_ERROR_MESSAGES[address.error]}`,
      );
      return;
    }
    const domain = domains.get(address.value.domain);
    if (domain === undefined) {
      problems.push(
        `${source}: accounts.${index}.address ${JSON.stringify(entry.address)} is in a domain not listed under "domains"; add the domain first`,
      );
    } else if (domain.accounts.has(address.value.lookupKey)) {
      problems.push(
        `${source}: accounts.${index}.address ${JSON.stringify(entry.address)} is listed twice; keep one entry`,
      );
    } else {
      domain.accounts.set(address.value.lookupKey, {
        accessType: entry.accessType,
        displayName: entry.displayName ?? null,
      });
    }
  });
  return problems.length > 0 ? err(problems) : ok({ domains });
}

/** The records loaded data holds for a query (applyDomainDefault turns them into the answer). */
export function recordsFromData(data: DirectoryData, query: AccountQuery): AccountRecords {
  const domain = data.domains.get(query.domain);
  if (domain === undefined) return NO_RECORDS;
  const account = query.address === null ? undefined : domain.accounts.get(query.address);
  return { domain: { defaultAccessType: domain.defaultAccessType }, account: account ?? null };
}
