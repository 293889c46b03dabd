import XMLBuilder from 'fast-xml-builder';

/**
 * The one place markup is written. Element content is a plain object (keys in document order,
 * arrays for repeated elements, `@_name` keys for attributes); fast-xml-parser's builder escapes
 * every text node and attribute value, so request-derived strings can never break the document.
 */
export type XmlContent = string | number | XmlElement | readonly XmlContent[];
export interface XmlElement {
  readonly [nameOrAttribute: string]: XmlContent | undefined;
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  processEntities: true,
  suppressEmptyNode: true,
  // An attribute whose value is "true" keeps its value (i:nil="true"); a bare attribute is not XML.
  suppressBooleanAttributes: false,
});

/** A UTF-8 document, declaration first (no BOM, nothing before `<?xml`). */
export function renderXmlDocument(root: XmlElement): string {
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' }, ...withoutUndefined(root) });
}

/** Drops absent optional elements so callers can write `{ DisplayName: maybe ?? undefined }`. */
function withoutUndefined(element: XmlElement): XmlElement {
  const result: Record<string, XmlContent> = {};
  for (const [name, value] of Object.entries(element)) {
    if (value === undefined) continue;
    result[name] = clean(value);
  }
  return result;
}

function clean(value: XmlContent): XmlContent {
  if (Array.isArray(value)) return (value as readonly XmlContent[]).map(clean);
  if (typeof value === 'object') return withoutUndefined(value as XmlElement);
  return typeof value === 'string' ? toXmlCharacters(value) : value;
}

// Everything outside XML 1.0 Char (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]);
// under the `u` flag a lone surrogate is one code point, outside every range.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NOT_XML_CHARACTER = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/**
 * Escaping cannot carry a character XML forbids (a control, U+FFFE/U+FFFF, a lone surrogate): the
 * document would not be well-formed. Such characters (possible in directory display names) become U+FFFD.
 */
export function toXmlCharacters(text: string): string {
  return text.replace(NOT_XML_CHARACTER, '\ufffd');
}
