import { z } from 'zod';
import { displayText, isDisplayText } from '../config/fields';
import { formatIssues } from '../config/format-issues';
import { parsePlatform } from '../config/platform-schema';
import { ACCESS_TYPES, type AccessType } from '../model/access-type';
import { parseDomainName, parseEmailAddress, ADDRESS_ERROR_MESSAGES } from '../model/email-address';
import type { DomainPlatform } from '../model/platform';
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
  /** The domain's own platform (docs/protocols.md §14); absent: the provider-wide values. */
  readonly platform?: DomainPlatform;
  readonly accounts: ReadonlyMap<string, { readonly accessType: AccessType; readonly displayName: string | null }>;
}

/** Shared with the HTTP directory's response schema. */
export const accessType = z.enum(ACCESS_TYPES, { error: 'must be "pop" (POP access) or "business" (Business Mail)' });
const DISPLAY_NAME_MAX_LENGTH = 256;
export const displayName = displayText(DISPLAY_NAME_MAX_LENGTH);

export const directoryFileSchema = z.strictObject({
  domains: z
    .array(
      z.strictObject({
        domain: z.string(),
        defaultAccessType: accessType,
        // Checked with the domain's name in every message, once the shape is right (buildDirectoryData).
        platform: z.unknown().optional(),
      }),
    )
    .default([]),
  accounts: z
    .array(z.strictObject({ address: z.string(), accessType, displayName: displayName.optional() }))
    .default([]),
});

/** An account file whose shape is right; its values (names, duplicates) are still unchecked. */
export type DirectoryFile = z.output<typeof directoryFileSchema>;

/** Validates untrusted account data, reporting every problem with its place and the fix. */
export function parseDirectoryData(source: string, input: unknown): Result<DirectoryData, string[]> {
  const file = checkShape(source, input);
  return file.ok ? buildDirectoryData(source, file.value) : file;
}

/**
 * The shape check: a well-formed file (the usual case) passes the fast check, anything else goes to
 * zod, whose issues are the error messages. The two agree on every input
 * (test/property/directory-data.test.ts); `npm run bench -- scale` compares their load times.
 */
export function checkShape(source: string, input: unknown): Result<DirectoryFile, string[]> {
  const file = wellFormedFile(input);
  return file === null ? checkShapeWithZod(source, input) : ok(file);
}

export function checkShapeWithZod(source: string, input: unknown): Result<DirectoryFile, string[]> {
  const parsed = directoryFileSchema.safeParse(input, { reportInput: true });
  return parsed.success ? ok(parsed.data) : err(formatIssues(source, parsed.error.issues));
}

/**
 * directoryFileSchema's rules written out, without zod's copy of every entry (at a million
 * mailboxes that copy was a fifth of the load time and as many objects again for the collector).
 * Returns the input's own entries when it passes, null when anything is off: zod then says what.
 * Keys are enumerated with `for…in`, as zod's strict objects do.
 */
export function wellFormedFile(input: unknown): DirectoryFile | null {
  if (!isRecord(input) || !hasOnlyKeys(input, FILE_KEYS)) return null;
  const { domains = [], accounts = [] } = input;
  if (!Array.isArray(domains) || !Array.isArray(accounts)) return null;
  for (const entry of domains as unknown[]) {
    if (!isRecord(entry) || !hasOnlyKeys(entry, DOMAIN_KEYS)) return null;
    if (typeof entry['domain'] !== 'string' || !isAccessType(entry['defaultAccessType'])) return null;
  }
  for (const entry of accounts as unknown[]) {
    if (!isRecord(entry) || !hasOnlyKeys(entry, ACCOUNT_KEYS)) return null;
    if (typeof entry['address'] !== 'string' || !isAccessType(entry['accessType'])) return null;
    const name = entry['displayName'];
    if (
      name !== undefined &&
      !(typeof name === 'string' && name.length <= DISPLAY_NAME_MAX_LENGTH && isDisplayText(name))
    )
      return null;
  }
  // Every entry was checked above. The entries themselves, not copies; defaults as zod fills them.
  return { domains: domains as DirectoryFile['domains'], accounts: accounts as DirectoryFile['accounts'] };
}

const FILE_KEYS = new Set(['domains', 'accounts']);
const DOMAIN_KEYS = new Set(['domain', 'defaultAccessType', 'platform']);
const ACCOUNT_KEYS = new Set(['address', 'accessType', 'displayName']);

/** What zod takes for an object. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasOnlyKeys(record: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in record) if (!allowed.has(key)) return false;
  return true;
}

function isAccessType(value: unknown): value is AccessType {
  return ACCESS_TYPES.some((type) => type === value);
}

type AccountEntry = HostedDomain['accounts'] extends ReadonlyMap<string, infer Entry> ? Entry : never;

/**
 * The values of a well-shaped file checked (domain names, addresses, duplicates) and put into maps.
 * Entries without a display name share one object per access type (read-only): at a million
 * mailboxes that is a million objects fewer.
 */
export function buildDirectoryData(source: string, file: DirectoryFile): Result<DirectoryData, string[]> {
  const problems: string[] = [];
  const domains = new Map<
    string,
    { defaultAccessType: AccessType; platform?: DomainPlatform; accounts: Map<string, AccountEntry> }
  >();
  file.domains.forEach((entry, index) => {
    const domain = parseDomainName(entry.domain);
    if (!domain.ok) {
      problems.push(
        `${source}: domains.${index}.domain must be a domain name such as "example.com", got ${JSON.stringify(entry.domain)}`,
      );
    } else if (domains.has(domain.value.ascii)) {
      problems.push(
        `${source}: domains.${index}.domain ${JSON.stringify(entry.domain)} is listed twice; keep one entry`,
      );
    } else if (entry.platform === undefined) {
      domains.set(domain.value.ascii, { defaultAccessType: entry.defaultAccessType, accounts: new Map() });
    } else {
      const platform = parsePlatform(`${source}: domains.${index}.platform`, domain.value.ascii, entry.platform);
      if (!platform.ok) problems.push(...platform.error);
      else
        domains.set(domain.value.ascii, {
          defaultAccessType: entry.defaultAccessType,
          platform: platform.value,
          accounts: new Map(),
        });
    }
  });
  const parseDomainOnce = memoized(parseDomainName);
  const unnamed = new Map<AccessType, AccountEntry>(
    ACCESS_TYPES.map((type) => [type, { accessType: type, displayName: null }]),
  );
  file.accounts.forEach((entry, index) => {
    const address = parseEmailAddress(entry.address, parseDomainOnce);
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
      domain.accounts.set(
        address.value.lookupKey,
        entry.displayName === undefined
          ? (unnamed.get(entry.accessType) as AccountEntry)
          : { accessType: entry.accessType, displayName: entry.displayName },
      );
    }
  });
  return problems.length > 0 ? err(problems) : ok({ domains });
}

/** `parse` remembering its answer for each input (for one load: a file has few distinct domains). */
function memoized<Answer>(parse: (text: string) => Answer): (text: string) => Answer {
  const answers = new Map<string, Answer>();
  return (text) => {
    let answer = answers.get(text);
    if (answer === undefined) {
      answer = parse(text);
      answers.set(text, answer);
    }
    return answer;
  };
}

/** The records loaded data holds for a query (applyDomainDefault turns them into the answer). */
export function recordsFromData(data: DirectoryData, query: AccountQuery): AccountRecords {
  const domain = data.domains.get(query.domain);
  if (domain === undefined) return NO_RECORDS;
  const account = query.address === null ? undefined : domain.accounts.get(query.address);
  const { defaultAccessType, platform } = domain;
  // The same platform object every time, so discover finds its merged profile by identity.
  return {
    domain: platform === undefined ? { defaultAccessType } : { defaultAccessType, platform },
    account: account ?? null,
  };
}
