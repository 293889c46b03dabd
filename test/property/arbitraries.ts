import fc from 'fast-check';
import { displayName as directoryDisplayName } from '../../src/directory/directory-data';
import { parseEmailAddress, type EmailAddress } from '../../src/model/email-address';

/**
 * Generators shared by the property suites. "Hostile" pieces are the strings that break markup or
 * headers; the unicode pieces cover scripts, astral characters, combining marks and lone surrogates.
 */

/** Runs per property: enough to find the edge cases, small enough for a fast suite. */
export const RUNS = 300;

export const MARKUP_PIECES = [
  '<',
  '>',
  '&',
  '"',
  "'",
  ']]>',
  '<![CDATA[',
  '<!--',
  '-->',
  '&amp;',
  '&lt;',
  '&#64;',
  '%0d%0a',
  '\r\n',
  '\u0000',
  '\ufeff',
];

/** Any UTF-16 code unit, lone surrogates included (fast-check's own units never produce those). */
export const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));

/** Strings over the whole of UTF-16: every code point, and broken surrogate pairs. */
export const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: anyCodeUnit, maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
);

const ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";
const ASCII_ATEXT = `abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789${ATEXT_SPECIALS}`;
const UNICODE_LETTERS = [
  'ü',
  'é',
  'ß',
  'ø',
  'ñ',
  'ж',
  'д',
  'λ',
  '例',
  'え',
  'テ',
  'ス',
  'ト',
  '한',
  '😀',
  'ı',
  'İ',
  'Å',
  'e\u0301',
];

const atextChar = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...ASCII_ATEXT.split('')) },
  { weight: 1, arbitrary: fc.constantFrom(...UNICODE_LETTERS) },
);
const atom = fc.array(atextChar, { minLength: 1, maxLength: 12 }).map((chars) => chars.join(''));
/** Dot-atom local parts, the form the parser accepts; length is left to the parser. */
export const localPart = fc.array(atom, { minLength: 1, maxLength: 5 }).map((atoms) => atoms.join('.'));

const ldhLabel = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);
const unicodeLabel = fc
  .array(
    fc.oneof(
      fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')),
      fc.constantFrom('ü', 'é', 'ß', 'ø', 'ñ', 'ж', 'д', '例', 'え', 'テ', 'ス', 'ト'),
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((chars) => chars.join(''));
const tld = fc.constantFrom('com', 'org', 'example', 'test', 'museum', 'xn--zckzah', 'テスト', 'рф');

/** Domain names in Unicode or ASCII form, mostly valid. */
export const domainName = fc
  .tuple(fc.array(fc.oneof(ldhLabel, unicodeLabel), { minLength: 1, maxLength: 3 }), tld)
  .map(([labels, top]) => [...labels, top].join('.'));

/** Characters that are not markup but still must not reach an answer, or only in a known form. */
export const TRICKY_UNICODE = [
  '\ud800',
  '\udfff',
  '\ufffe',
  '\uffff',
  '\ufffd',
  '\u200b',
  '\u202e',
  '\u00a0',
  '\u3000',
  '\u0085',
  '\u2028',
  '\u00ad',
  '\ufeff',
];

/** Near the length limits with multi-byte characters: octets and UTF-16 units disagree there. */
const longAddress = fc
  .tuple(
    fc.array(fc.constantFrom('a', 'é', '例', '😀'), { minLength: 20, maxLength: 70 }),
    fc.array(fc.integer({ min: 30, max: 63 }), { minLength: 1, maxLength: 4 }),
  )
  .map(([local, labels]) => `${local.join('')}@${labels.map((length) => 'd'.repeat(length)).join('.')}.com`);

/** Address-shaped strings that may or may not be valid: the parser decides. */
export const addressLike = fc.oneof(
  fc.tuple(localPart, domainName).map(([local, domain]) => `${local}@${domain}`),
  fc
    .tuple(
      fc.array(fc.oneof(atextChar, fc.constantFrom(...MARKUP_PIECES, ...TRICKY_UNICODE, ' ', '@', '.', '"', '\t')), {
        maxLength: 20,
      }),
      domainName,
    )
    .map(([chars, domain]) => `${chars.join('')}@${domain}`),
  longAddress,
  fc.tuple(anyString, fc.constantFrom('@', '@@', ''), anyString).map(([a, at, b]) => `${a}${at}${b}`),
);

/** Addresses the parser accepts, already parsed. */
export const validAddress: fc.Arbitrary<EmailAddress> = fc
  .tuple(localPart, domainName)
  .map(([local, domain]) => parseEmailAddress(`${local}@${domain}`))
  .filter((result): result is { readonly ok: true; readonly value: EmailAddress } => result.ok)
  .map((result) => result.value);

/** Display names the directory accepts (its own schema decides), biased towards markup. */
export const displayName = fc
  .oneof(
    fc
      .array(
        fc.oneof(fc.constantFrom(...MARKUP_PIECES, ' ', 'Jane', 'Ø', '例え', '😀', '\ufffe', '\uffff', '\ud800')),
        { maxLength: 12 },
      )
      .map((parts) => parts.join('')),
    anyString,
  )
  .filter((text) => directoryDisplayName.safeParse(text).success);

/** Upper-cases some characters of `text`, only where that round-trips (so `ß` stays `ß`). */
export function caseVariant(text: string, mask: readonly boolean[]): string {
  return Array.from(text)
    .map((char, index) => {
      const upper = char.toUpperCase();
      return mask[index % Math.max(mask.length, 1)] === true &&
        upper.toLowerCase() === char &&
        Array.from(upper).length === 1
        ? upper
        : char;
    })
    .join('');
}
