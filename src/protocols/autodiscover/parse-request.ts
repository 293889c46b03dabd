import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { err, ok, type Result } from '../../model/result';

/** Which answer the client can read: Outlook's POX schema or ActiveSync's mobilesync schema. */
export type ResponseSchema = 'outlook' | 'mobilesync';

export interface AutodiscoverRequest {
  readonly schema: ResponseSchema;
  /** As sent, untrimmed and unvalidated: the caller parses it with the shared address parser. */
  readonly emailAddress: string;
}

export type AutodiscoverRequestProblem =
  /** Nothing, or not well-formed UTF-8 XML (error 600). */
  | { readonly kind: 'invalid-request'; readonly reason: string }
  /** Well-formed, but the response schema asked for is not one we serve (error 601). */
  | { readonly kind: 'unsupported-schema'; readonly schema: string }
  /** Only a LegacyDN, which only an Exchange directory could resolve (error 500). */
  | { readonly kind: 'legacy-dn-only'; readonly schema: ResponseSchema };

/** Deeper than any real request (4 levels); bounds the parser's work on hostile input. */
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

/**
 * Reads an Autodiscover POST body. Elements are matched by local name (any prefix, any case),
 * as clients differ; unknown siblings are ignored.
 */
export function parseAutodiscoverRequest(body: Uint8Array): Result<AutodiscoverRequest, AutodiscoverRequestProblem> {
  const text = decodeUtf8(body);
  if (text === null) return invalid('the body is not UTF-8 text of XML characters');
  if (text.trim() === '') return invalid('the body is empty');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return invalid('DOCTYPE and entity declarations are not accepted');
  const validation = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (validation !== true) return invalid(`the body is not well-formed XML (${validation.err.code})`);
  // The parser would drop &#0; or &#xD800;, decode &#xFFFF; and keep &foo; as text: all not XML.
  if (!hasOnlyXmlReferences(text))
    return invalid('the body uses an undeclared entity or a reference to a character XML does not allow');

  let document: unknown;
  try {
    document = parser.parse(text);
  } catch {
    return invalid('the body is not well-formed XML');
  }
  // fast-xml-parser's validator lets a second root element through; XML allows exactly one.
  if (!hasOneRootElement(document)) return invalid('the body must hold exactly one root element');
  const root = childByLocalName(document, 'Autodiscover');
  const namespace = rootNamespace(document, root);
  if (namespace !== null && !REQUEST_NAMESPACE.test(namespace))
    return invalid('the root element is not in an Autodiscover request namespace');
  const request = childByLocalName(root, 'Request');
  if (request === undefined) return invalid('there is no Autodiscover/Request element');

  const schemaText = textOf(childByLocalName(request, 'AcceptableResponseSchema'));
  const schema = schemaText === null ? schemaFromNamespace(root) : schemaFromUri(schemaText);
  if (schema === null) return err({ kind: 'unsupported-schema', schema: schemaText ?? '' });

  // MS-OXDSCLI lets a LegacyDN win over an address sent with it; we cannot resolve LegacyDNs, and an
  // Outlook profile that sends both still names the mailbox by its address, so the address is used.
  const emailAddress = textOf(childByLocalName(request, 'EMailAddress'));
  if (emailAddress !== null && emailAddress.trim() !== '') return ok({ schema, emailAddress });
  const legacyDn = textOf(childByLocalName(request, 'LegacyDN'));
  if (legacyDn !== null && legacyDn.trim() !== '') return err({ kind: 'legacy-dn-only', schema });
  return invalid('there is no EMailAddress');
}

function invalid(reason: string): Result<never, AutodiscoverRequestProblem> {
  return err({ kind: 'invalid-request', reason });
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

/**
 * A declared namespace on the root must be one of Exchange's request schemas (outlook, mobilesync);
 * a root with no namespace at all is read as before, as some clients send one.
 */
const REQUEST_NAMESPACE = /^https?:\/\/schemas\.microsoft\.com\/exchange\/autodiscover\/[^/]+\/requestschema\//i;

function hasOneRootElement(document: unknown): boolean {
  if (!isRecord(document)) return false;
  const elements = Object.entries(document).filter(
    ([key]) => !key.startsWith('?') && !key.startsWith('#') && !key.startsWith('@_'),
  );
  return elements.length === 1 && !Array.isArray(elements[0]?.[1]);
}

/** The namespace bound to the root element's prefix (or the default one), null when none is declared. */
function rootNamespace(document: unknown, root: unknown): string | null {
  const name = isRecord(document)
    ? Object.keys(document).find(
        (key) => !key.startsWith('@_') && key.slice(key.indexOf(':') + 1).toLowerCase() === 'autodiscover',
      )
    : undefined;
  if (name === undefined || !isRecord(root)) return null;
  const colon = name.indexOf(':');
  const value = root[colon < 0 ? '@_xmlns' : `@_xmlns:${name.slice(0, colon)}`];
  return typeof value === 'string' ? value : null;
}

function schemaFromUri(uri: string): ResponseSchema | null {
  const lower = uri.trim().toLowerCase();
  if (lower.includes('/outlook/')) return 'outlook';
  if (lower.includes('/mobilesync/')) return 'mobilesync';
  return null;
}

/**
 * No AcceptableResponseSchema: the request's own namespace (…/mobilesync/requestschema/…) says which,
 * declared as the default (xmlns="…") or with a prefix (<m:Autodiscover xmlns:m="…">).
 */
function schemaFromNamespace(root: unknown): ResponseSchema {
  const namespaces = isRecord(root)
    ? Object.entries(root)
        .filter(([name]) => name === '@_xmlns' || name.startsWith('@_xmlns:'))
        .map(([, value]) => value)
    : [];
  const mobilesync = namespaces.some(
    (namespace) => typeof namespace === 'string' && namespace.toLowerCase().includes('/mobilesync/'),
  );
  return mobilesync ? 'mobilesync' : 'outlook';
}

function childByLocalName(node: unknown, localName: string): unknown {
  if (!isRecord(node)) return undefined;
  const wanted = localName.toLowerCase();
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_')) continue;
    const local = key.slice(key.indexOf(':') + 1).toLowerCase();
    if (local === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** Text of a simple element: a string, or the `#text` of one that also carries attributes. */
function textOf(node: unknown): string | null {
  if (typeof node === 'string') return node;
  if (isRecord(node) && typeof node['#text'] === 'string') return node['#text'];
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
