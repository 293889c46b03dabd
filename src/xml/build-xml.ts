import { XMLBuilder } from 'fast-xml-parser';

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
});

/** A UTF-8 document, declaration first (no BOM, nothing before `<?xml`). */
export function renderXmlDocument(root: XmlElement): string {
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' }, ...withoutUndefined(root) }) as string;
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
  return value;
}
