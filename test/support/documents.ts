import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import plist from 'plist';

/**
 * Reading answers back the way a client does: a real XML or plist parser, then values by path
 * (never by substring), so formatting changes cannot break a test and a wrong nesting cannot pass one.
 */

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

/** Checks the answer is one well-formed UTF-8 document with the declaration first (no BOM), then parses it. */
export function parseXmlDocument(text: string): unknown {
  if (!text.startsWith('<?xml'))
    throw new Error(`the document does not start with "<?xml": ${JSON.stringify(text.slice(0, 40))}`);
  const validation = XMLValidator.validate(text);
  if (validation !== true)
    throw new Error(`not well-formed XML (${validation.err.code}: ${validation.err.msg}):\n${text}`);
  return parser.parse(text);
}

/** An Apple configuration profile (XML plist) as plain objects and arrays. */
export function parseProfile(text: string): unknown {
  if (!text.startsWith('<?xml')) throw new Error('the profile does not start with "<?xml"');
  return plist.parse(text);
}

/**
 * The node at `path`: segments split by "/", `[n]` picks the n-th of repeated elements (a single
 * element counts as a list of one, as the parser does not wrap it), `@Name` is an attribute.
 * Throws with the path walked so far when something is missing.
 */
export function nodeAt(root: unknown, pathText: string): unknown {
  let node = root;
  const walked: string[] = [];
  for (const segment of pathText.split('/')) {
    const match = /^([^[\]]+)(?:\[(\d+)\])?$/.exec(segment);
    if (match === null) throw new Error(`bad path segment ${JSON.stringify(segment)}`);
    const name = match[1] ?? '';
    const key = name.startsWith('@') ? `@_${name.slice(1)}` : name;
    if (!isRecord(node) || !(key in node)) {
      throw new Error(`no ${JSON.stringify(key)} at /${walked.join('/')} in ${JSON.stringify(node)}`);
    }
    node = node[key];
    walked.push(segment);
    if (match[2] !== undefined) {
      const list = listOf(node);
      const index = Number(match[2]);
      if (index >= list.length) throw new Error(`/${walked.join('/')}: only ${list.length} item(s)`);
      node = list[index];
    }
  }
  return node;
}

/** Text of an element or attribute: the string itself, or `#text` of an element that has attributes. */
export function textAt(root: unknown, pathText: string): string {
  const node = nodeAt(root, pathText);
  if (typeof node === 'string') return node;
  if (isRecord(node) && typeof node['#text'] === 'string') return node['#text'];
  throw new Error(`${pathText} is not text: ${JSON.stringify(node)}`);
}

/** Repeated elements as a list; a single one is a list of one. */
export function listAt(root: unknown, pathText: string): unknown[] {
  return listOf(nodeAt(root, pathText));
}

/**
 * Asserts several texts under one node at once, `{ Port: '993', '@type': 'imap' }`, so a failure
 * shows every mismatch in one diff. A missing path shows as `undefined`.
 */
export function expectTexts(root: unknown, expected: Readonly<Record<string, string>>): void {
  const actual = Object.fromEntries(
    Object.keys(expected).map((key) => [key, hasNode(root, key) ? textAt(root, key) : undefined]),
  );
  expect(actual).toEqual(expected);
}

/** The same for typed values (plist integers and booleans): `{ IncomingMailServerPortNumber: 993 }`. */
export function expectValues(root: unknown, expected: Readonly<Record<string, unknown>>): void {
  const actual = Object.fromEntries(
    Object.keys(expected).map((key) => [key, hasNode(root, key) ? nodeAt(root, key) : undefined]),
  );
  expect(actual).toEqual(expected);
}

/** Whether the path exists (for asserting an element is absent). */
export function hasNode(root: unknown, pathText: string): boolean {
  try {
    nodeAt(root, pathText);
    return true;
  } catch {
    return false;
  }
}

function listOf(node: unknown): unknown[] {
  return Array.isArray(node) ? (node as unknown[]) : [node];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const REQUESTS_DIR = path.resolve(__dirname, '../fixtures/requests');

/** A real client's request body from test/fixtures/requests/, as bytes. */
export function requestFixture(name: string): Buffer {
  return readFileSync(path.join(REQUESTS_DIR, name));
}

/** The same fixture asking for another address (the EMailAddress text replaced, nothing else). */
export function requestFixtureFor(name: string, address: string): Buffer {
  const text = requestFixture(name).toString('utf8');
  const replaced = text.replace(/(<(?:\w+:)?EMailAddress>)[^<]*(<\/)/, `$1${address}$2`);
  if (replaced === text) throw new Error(`${name} has no EMailAddress to replace`);
  return Buffer.from(replaced, 'utf8');
}
