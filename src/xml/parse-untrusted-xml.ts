import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { err, ok, type Result } from '../model/result';

/**
 * The one reader of XML request bodies (Autodiscover POX and SOAP), with the hostile-input rules of
 * docs/protocols.md §8: UTF-8 text of XML characters only, no DOCTYPE or entity declarations (so no
 * entity is ever expanded), only XML's own references, exactly one root element, bounded nesting.
 * Elements come back as fast-xml-parser's object tree: attributes under `@_name`, text under
 * `#text` when an element also has attributes, repeated elements as arrays.
 */

/** Deeper than any real request (the SOAP GetUserSettings body nests 7 levels); bounds the parser's work. */
const MAX_NESTING = 16;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // With the DOCTYPE refused below, only the five predefined entities and character references remain
  // (hasOnlyXmlReferences refuses any other name before parsing). htmlEntities is what turns on
  // numeric character references (&#64;, &#xE9;), which XML requires.
  processEntities: true,
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- its successor, entityDecoder, is typed as options but used as a decoder instance in 5.12
  htmlEntities: true,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: false,
  maxNestedTags: MAX_NESTING,
});

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
/** Characters XML 1.0 forbids even raw (NUL and other C0 controls, U+FFFE, U+FFFF); UTF-8 has no surrogates. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NOT_XML_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

/** The parsed document (its one root element is its one non-attribute key), or why the body is not acceptable XML. */
export function parseUntrustedXml(body: Uint8Array): Result<Record<string, unknown>, string> {
  const text = decodeUtf8(body);
  if (text === null) return err('the body is not UTF-8 text of XML characters');
  if (text.trim() === '') return err('the body is empty');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return err('DOCTYPE and entity declarations are not accepted');
  const validation = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (validation !== true) return err(`the body is not well-formed XML (${validation.err.code})`);
  // The parser would drop &#0; or &#xD800;, decode &#xFFFF; and keep &foo; as text: all not XML.
  if (!hasOnlyXmlReferences(text))
    return err('the body uses an undeclared entity or a reference to a character XML does not allow');

  let document: unknown;
  try {
    document = parser.parse(text);
  } catch {
    return err('the body is not well-formed XML');
  }
  // fast-xml-parser's validator lets a second root element through; XML allows exactly one.
  if (!isRecord(document) || !hasOneRootElement(document)) return err('the body must hold exactly one root element');
  return ok(document);
}

function decodeUtf8(body: Uint8Array): string | null {
  try {
    // ignoreBOM: false strips a UTF-8 BOM; a UTF-16 body fails the fatal decoder or leaves NULs.
    const text = UTF8.decode(body);
    return NOT_XML_CHARACTER.test(text) ? null : text;
  } catch {
    return null;
  }
}

// Outside CDATA sections, comments and processing instructions (closed: the validator ran first).
const LITERAL_SECTIONS = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g;
const REFERENCE = /&(#x[0-9a-f]+|#[0-9]+|[a-z_][\w.-]*)?(;?)/gi;
const PREDEFINED_ENTITIES = new Set(['lt', 'gt', 'amp', 'quot', 'apos']);

/** Every `&` starts one of XML's five entities or a reference to a character XML allows (XML 1.0 §2.2, §4.1). */
function hasOnlyXmlReferences(text: string): boolean {
  for (const [, name, semicolon] of text.replace(LITERAL_SECTIONS, '').matchAll(REFERENCE)) {
    if (name === undefined || semicolon !== ';') return false;
    if (!name.startsWith('#')) {
      if (!PREDEFINED_ENTITIES.has(name)) return false;
      continue;
    }
    const codePoint = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
    if (!isXmlCharacter(codePoint)) return false;
  }
  return true;
}

function isXmlCharacter(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

function hasOneRootElement(document: Record<string, unknown>): boolean {
  const elements = Object.entries(document).filter(
    ([key]) => !key.startsWith('?') && !key.startsWith('#') && !key.startsWith('@_'),
  );
  return elements.length === 1 && !Array.isArray(elements[0]?.[1]);
}

/** The name an element key carries without its prefix, lower-cased: clients differ in both. */
export function localNameOf(key: string): string {
  return key.slice(key.indexOf(':') + 1).toLowerCase();
}

/** The first child element with this local name (any prefix, any case), or undefined. */
export function childByLocalName(node: unknown, localName: string): unknown {
  const [first] = childrenByLocalName(node, localName);
  return first;
}

/** Every child element with this local name (any prefix, any case), in document order. */
export function childrenByLocalName(node: unknown, localName: string): unknown[] {
  if (!isRecord(node)) return [];
  const wanted = localName.toLowerCase();
  const children: unknown[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') || key.startsWith('#')) continue;
    if (localNameOf(key) !== wanted) continue;
    if (Array.isArray(value)) children.push(...(value as unknown[]));
    else children.push(value);
  }
  return children;
}

/** Text of a simple element: a string, or the `#text` of one that also carries attributes. */
export function textOf(node: unknown): string | null {
  if (typeof node === 'string') return node;
  if (isRecord(node) && typeof node['#text'] === 'string') return node['#text'];
  return null;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
