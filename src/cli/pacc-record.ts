import { createHash } from 'node:crypto';

/**
 * The PACC names pacc:digest needs (docs/protocols.md §10). A CLI does not import the protocol
 * modules (test/unit/import-direction.test.ts), so they are repeated here; test/unit/pacc.test.ts
 * checks they equal src/protocols/pacc/paths.ts.
 */
export const PACC_DOCUMENT_PATH = '/.well-known/user-agent-configuration.json';
export const PACC_DOCUMENT_HOST_PREFIX = 'ua-auto-config.';
export const PACC_TXT_PREFIX = '_ua-auto-config.';

/**
 * The `_ua-auto-config` TXT record's value for a PACC document: the SHA-256 of its exact bytes,
 * base64 (docs/protocols.md §10.4). Any change to the bytes served needs a new record.
 */
export function paccTxtValue(document: Buffer): string {
  return `v=UAAC1; a=sha256; d=${createHash('sha256').update(document).digest('base64')}`;
}

/** The record as a zone-file line, for the domain's ASCII name. */
export function paccTxtRecord(domain: string, document: Buffer): string {
  return `${PACC_TXT_PREFIX}${domain}. IN TXT "${paccTxtValue(document)}"`;
}
