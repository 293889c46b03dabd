import { domainToASCII, domainToUnicode } from 'node:url';
import { err, ok, type Result } from './result';

/**
 * A mailbox address after the one normalisation every protocol shares: trimmed, split on the last
 * "@", domain lower-cased and converted to its ASCII (punycode) form. Outputs use `address`; the
 * directory and the cache use `lookupKey` (local part compared case-insensitively, as mail systems do).
 */
export interface EmailAddress {
  readonly localPart: string;
  /** ASCII (A-label) form, lower-case: `xn--bcher-kva.example`. */
  readonly domain: string;
  /** Unicode (U-label) form, for display only: `bücher.example`. */
  readonly domainUnicode: string;
  /** `localPart@domain`, what every renderer writes. */
  readonly address: string;
  readonly lookupKey: string;
}

export type AddressError =
  | 'empty'
  | 'too-long'
  | 'control-character'
  | 'missing-at'
  | 'local-part-too-long'
  | 'quoted-local-part'
  | 'invalid-local-part'
  | 'invalid-domain'
  | 'invalid-utf8';

export const ADDRESS_ERROR_MESSAGES: Readonly<Record<AddressError, string>> = {
  empty: 'the e-mail address is empty',
  'too-long': 'the e-mail address is longer than 254 characters (RFC 5321)',
  'control-character': 'the e-mail address contains control characters',
  'missing-at': 'the e-mail address has no "@"',
  'local-part-too-long': 'the part before "@" is longer than 64 characters (RFC 5321)',
  'quoted-local-part': 'quoted local parts ("john doe"@example.com) are not supported',
  'invalid-local-part': 'the part before "@" contains characters an address cannot have',
  'invalid-domain': 'the part after "@" is not a valid domain name',
  'invalid-utf8': 'the e-mail address is not valid UTF-8 once percent-decoded',
};

// RFC 5321 4.5.3.1: a path is at most 256 octets including the angle brackets.
const MAX_ADDRESS_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;
const MAX_DOMAIN_LENGTH = 253;
// C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
// RFC 5322 dot-atom of atext; RFC 6531 adds any non-ASCII character (UTF8-non-ascii). Surrogates
// (no UTF-8 form) and U+FFFE/U+FFFF (not XML characters: plist refuses them) are left out.
const DOT_ATOM_LOCAL_PART =
  /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]+)*$/u;
const LDH_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Parses an untrusted address (query string, XML body, path segment) into its normal form.
 * `parseDomain` is parseDomainName, or a memo of it: an account file names the same few domains
 * in every address, and converting them again each time (IDNA) was a third of its load time.
 */
export function parseEmailAddress(
  input: string,
  parseDomain: (text: string) => Result<DomainName, 'invalid-domain'> = parseDomainName,
): Result<EmailAddress, AddressError> {
  const trimmed = input.trim();
  if (trimmed === '') return err('empty');
  if (CONTROL_CHARACTERS.test(trimmed)) return err('control-character');
  if (trimmed.length > MAX_ADDRESS_LENGTH) return err('too-long');
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return err('missing-at');
  const localPart = trimmed.slice(0, at);
  if (localPart.startsWith('"')) return err('quoted-local-part');
  if (Buffer.byteLength(localPart, 'utf8') > MAX_LOCAL_PART_LENGTH) return err('local-part-too-long');
  if (!DOT_ATOM_LOCAL_PART.test(localPart)) return err('invalid-local-part');
  const domain = parseDomain(trimmed.slice(at + 1));
  if (!domain.ok) return domain;
  const address = `${localPart}@${domain.value.ascii}`;
  // Octets, as RFC 5321 counts: a multi-byte local part is longer than its UTF-16 length.
  if (Buffer.byteLength(address, 'utf8') > MAX_ADDRESS_LENGTH) return err('too-long');
  return ok({
    localPart,
    domain: domain.value.ascii,
    domainUnicode: domain.value.unicode,
    address,
    lookupKey: address.toLowerCase(),
  });
}

export interface DomainName {
  readonly ascii: string;
  readonly unicode: string;
}

/**
 * Validates a host/domain name in Unicode or punycode and returns both forms. Requires at least two
 * labels: a mail domain is never a bare TLD or a single host name.
 */
export function parseDomainName(input: string): Result<DomainName, 'invalid-domain'> {
  const candidate = input.trim().replace(/\.$/, '');
  if (candidate === '' || CONTROL_CHARACTERS.test(candidate) || /[\s/\\@:[\]%?#]/u.test(candidate)) {
    return err('invalid-domain');
  }
  // WHATWG's domainToASCII applies UTS #46 mapping (lower-casing included); '' means invalid.
  const ascii = domainToASCII(candidate);
  if (ascii === '' || ascii.length > MAX_DOMAIN_LENGTH) return err('invalid-domain');
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((label) => LDH_LABEL.test(label))) return err('invalid-domain');
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return err('invalid-domain');
  return ok({ ascii, unicode: domainToUnicode(ascii) });
}
