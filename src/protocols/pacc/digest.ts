import { createHash } from 'node:crypto';
import { PACC_TXT_PREFIX } from './paths';

/**
 * The `_ua-auto-config` TXT record's value for a PACC document: the SHA-256 of its exact UTF-8
 * bytes, base64 (docs/protocols.md §10.4). Any change to the bytes served needs a new record.
 */
export function paccTxtValue(documentBody: string): string {
  return `v=UAAC1; a=sha256; d=${createHash('sha256').update(documentBody, 'utf8').digest('base64')}`;
}

/** The record as a zone-file line, for the domain's ASCII name. */
export function paccTxtRecord(domain: string, documentBody: string): string {
  return `${PACC_TXT_PREFIX}${domain}. IN TXT "${paccTxtValue(documentBody)}"`;
}
