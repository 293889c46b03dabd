/**
 * Generated account directories for the benches at scale: mailbox `index` is
 * `user.<index>@scale<index / 50>.example`, every third one Business Mail, every other one with a
 * display name; domains alternate POP access and Business Mail defaults. The same mailboxes as an
 * account file (writeAccountFile) and as PostgreSQL rows (createGeneratedSchema).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Pool } from 'pg';
import type { AccountQuery } from '../src/directory/account-directory';
import { migrate } from '../src/directory/postgres-admin';
import { quoteIdentifier } from '../src/directory/postgres-schema';

const MAILBOXES_PER_DOMAIN = 50;

export const domainOf = (index: number): string => `scale${Math.floor(index / MAILBOXES_PER_DOMAIN)}.example`;
const domainCount = (mailboxes: number): number => Math.ceil(mailboxes / MAILBOXES_PER_DOMAIN);
/** Listed mailbox `index`. */
export const addressOf = (index: number): string => `user.${index}@${domainOf(index)}`;
/** A mailbox not listed, at the hosted domain of mailbox `index`: answered with the domain default. */
export const unknownAddressOf = (index: number): string => `nobody.${index}@${domainOf(index)}`;
export const isListed = (query: AccountQuery): boolean => query.address?.startsWith('user.') === true;

/** Writes an account file of `mailboxes` mailboxes in chunks (1M mailboxes are about 90 MB of JSON). */
export function writeAccountFile(file: string, mailboxes: number): void {
  const fd = openSync(file, 'w');
  const CHUNK = 10_000;
  const writeList = (count: number, entry: (index: number) => object): void => {
    for (let start = 0; start < count; start += CHUNK) {
      const entries = Array.from({ length: Math.min(CHUNK, count - start) }, (_, offset) =>
        JSON.stringify(entry(start + offset)),
      );
      writeSync(fd, (start === 0 ? '' : ',\n') + entries.join(',\n'));
    }
  };
  try {
    writeSync(fd, '{"domains": [\n');
    writeList(domainCount(mailboxes), (d) => ({
      domain: `scale${d}.example`,
      defaultAccessType: d % 2 === 0 ? 'pop' : 'business',
    }));
    writeSync(fd, '\n],\n"accounts": [\n');
    writeList(mailboxes, (index) => ({
      address: addressOf(index),
      accessType: index % 3 === 0 ? 'business' : 'pop',
      ...(index % 2 === 0 ? { displayName: `User ${index}` } : {}),
    }));
    writeSync(fd, '\n]}\n');
  } finally {
    closeSync(fd);
  }
}

/** Creates `schema` (npm run db:migrate's tables) holding the generated mailboxes, analysed. */
export async function createGeneratedSchema(admin: Pool, schema: string, mailboxes: number): Promise<void> {
  await migrate(admin, schema);
  for (const sql of insertRowsSql(schema, mailboxes)) await admin.query(sql);
}

/** The generated mailboxes as rows: addressOf and domainOf written in SQL. */
function insertRowsSql(schema: string, mailboxes: number): string[] {
  const s = quoteIdentifier(schema);
  const perDomain = String(MAILBOXES_PER_DOMAIN);
  return [
    `INSERT INTO ${s}.mail_domains (domain, default_access_type)
     SELECT 'scale' || d || '.example', CASE WHEN d % 2 = 0 THEN 'pop' ELSE 'business' END
     FROM generate_series(0, ${String(domainCount(mailboxes) - 1)}) AS d`,
    `INSERT INTO ${s}.mail_accounts (address, domain, access_type, display_name)
     SELECT 'user.' || i || '@scale' || (i / ${perDomain}) || '.example', 'scale' || (i / ${perDomain}) || '.example',
            CASE WHEN i % 3 = 0 THEN 'business' ELSE 'pop' END, CASE WHEN i % 2 = 0 THEN 'User ' || i END
     FROM generate_series(0, ${String(mailboxes - 1)}) AS i`,
    `ANALYZE ${s}.mail_domains`,
    `ANALYZE ${s}.mail_accounts`,
  ];
}
