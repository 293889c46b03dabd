import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDirectoryData } from '../../src/directory/directory-data';
import type { DomainPlatform } from '../../src/model/platform';

/** The example domains on platforms of their own (config/accounts.json, docs/protocols.md §14). */
export const HOSTING02_DOMAIN = 'hosting02.example';
export const MAIL2_DOMAIN = 'mail2.example';
/** Mailboxes the directory does not list: they take their domain's default (and its platform). */
export const HOSTING02_USER = 'jane@hosting02.example';
export const MAIL2_USER = 'jane@mail2.example';

const EXAMPLE_ACCOUNTS_FILE = path.join(__dirname, '../../config/accounts.json');

/** A domain's platform as the example account file gives it, validated as the file directory validates it. */
export function examplePlatformOf(domain: string): DomainPlatform {
  const loaded = parseDirectoryData(EXAMPLE_ACCOUNTS_FILE, JSON.parse(readFileSync(EXAMPLE_ACCOUNTS_FILE, 'utf8')));
  if (!loaded.ok) throw new Error(loaded.error.join('\n'));
  const platform = loaded.value.domains.get(domain)?.platform;
  if (platform === undefined) throw new Error(`config/accounts.json gives ${domain} no platform`);
  return platform;
}
