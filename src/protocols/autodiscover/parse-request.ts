import { err, ok, type Result } from '../../model/result';
import { childByLocalName, isRecord, parseUntrustedXml, textOf } from '../../xml/parse-untrusted-xml';

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

/**
 * Reads an Autodiscover POST body. Elements are matched by local name (any prefix, any case),
 * as clients differ; unknown siblings are ignored.
 */
export function parseAutodiscoverRequest(body: Uint8Array): Result<AutodiscoverRequest, AutodiscoverRequestProblem> {
  const parsed = parseUntrustedXml(body);
  if (!parsed.ok) return invalid(parsed.error);
  const document = parsed.value;
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

/**
 * A declared namespace on the root must be one of Exchange's request schemas (outlook, mobilesync);
 * a root with no namespace at all is read as before, as some clients send one.
 */
const REQUEST_NAMESPACE = /^https?:\/\/schemas\.microsoft\.com\/exchange\/autodiscover\/[^/]+\/requestschema\//i;

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
