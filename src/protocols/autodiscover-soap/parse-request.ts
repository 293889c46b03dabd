import { err, ok, type Result } from '../../model/result';
import {
  childByLocalName,
  childrenByLocalName,
  isRecord,
  localNameOf,
  parseUntrustedXml,
  textOf,
} from '../../xml/parse-untrusted-xml';
import {
  AUTODISCOVER_SOAP_NAMESPACE,
  SOAP12_ENVELOPE_NAMESPACE,
  SOAP_ENVELOPE_NAMESPACE,
  SOAP_OPERATIONS,
  requestActionOf,
  type SoapOperation,
} from './paths';

/** More users than any client asks for at once; each one is a directory lookup (docs/protocols.md §11.2). */
export const MAX_USERS_PER_REQUEST = 20;
/** Far more than the ~100 setting names [MS-OXWSADISC] defines; repeated names count once. */
export const MAX_REQUESTED_SETTINGS = 200;

export interface GetUserSettingsRequest {
  readonly operation: 'GetUserSettings';
  /** `Users/User/Mailbox` as sent, in order: each one is parsed with the shared address parser, and answered. */
  readonly mailboxes: readonly string[];
  /** `RequestedSettings/Setting`, trimmed, each name once, in the order first asked. */
  readonly settings: readonly string[];
}

export interface GetDomainSettingsRequest {
  readonly operation: 'GetDomainSettings';
  /** `Domains/Domain` as sent, in order. */
  readonly domains: readonly string[];
  readonly settings: readonly string[];
}

export type SoapAutodiscoverRequest = GetUserSettingsRequest | GetDomainSettingsRequest;

/** Why a body is refused, each with its own answer (answers.ts). */
export type SoapRequestProblem =
  /** Not a SOAP envelope at all (not XML, DTD, no Envelope/Body): a SOAP `Client` fault, HTTP 400. */
  | { readonly kind: 'not-soap'; readonly reason: string }
  /** An Envelope in another SOAP version's namespace (SOAP 1.2): a `VersionMismatch` fault, HTTP 400. */
  | { readonly kind: 'soap-version-mismatch' }
  /** An operation this service does not offer (GetFederationInformation, …): `ActionNotSupported`, HTTP 400. */
  | { readonly kind: 'unsupported-operation'; readonly action: string }
  /** The operation is ours but its content is not usable: its own response with ErrorCode InvalidRequest. */
  | { readonly kind: 'invalid-soap-request'; readonly operation: SoapOperation; readonly reason: string };

const OPERATION_BY_MESSAGE = new Map<string, SoapOperation>(
  SOAP_OPERATIONS.map((operation) => [`${operation}RequestMessage`.toLowerCase(), operation]),
);
const OPERATION_BY_ACTION = new Map<string, SoapOperation>(
  SOAP_OPERATIONS.flatMap((operation) => {
    const action = requestActionOf(operation).toLowerCase();
    // Some of Microsoft's reference pages print the namespace with https://; clients send http://.
    return [
      [action, operation],
      [action.replace(/^http:/, 'https:'), operation],
    ];
  }),
);
const AUTODISCOVER_NAMESPACES = new Set([
  AUTODISCOVER_SOAP_NAMESPACE.toLowerCase(),
  AUTODISCOVER_SOAP_NAMESPACE.toLowerCase().replace(/^http:/, 'https:'),
]);

/**
 * Reads a SOAP Autodiscover POST body ([MS-OXWSADISC] 3.1.4): a SOAP 1.1 Envelope whose Body holds
 * one `<Operation>RequestMessage` in the Autodiscover namespace. The operation is the WS-Addressing
 * `Action` header when there is one (as WCF dispatches), else the Body's message; both must agree.
 * Below the message, elements are matched by local name (any prefix, any case), as the POX parser does.
 */
export function parseSoapAutodiscoverRequest(body: Uint8Array): Result<SoapAutodiscoverRequest, SoapRequestProblem> {
  const parsed = parseUntrustedXml(body);
  if (!parsed.ok) return notSoap(parsed.error);
  const [envelopeName, envelope] = rootElementOf(parsed.value);
  if (localNameOf(envelopeName) !== 'envelope' || !isRecord(envelope))
    return notSoap('the root element is not a SOAP Envelope');
  const envelopeNamespace = namespaceOf(envelopeName, [envelope]);
  if (envelopeNamespace === SOAP12_ENVELOPE_NAMESPACE) return err({ kind: 'soap-version-mismatch' });
  if (envelopeNamespace !== SOAP_ENVELOPE_NAMESPACE) return notSoap('the Envelope is not in the SOAP 1.1 namespace');
  const soapBody = childByLocalName(envelope, 'Body');
  if (soapBody === undefined) return notSoap('the Envelope has no Body');

  // An empty Body parses as text: it holds no message.
  const message = isRecord(soapBody) ? firstChildElement(soapBody) : null;
  const actionText = textOf(childByLocalName(childByLocalName(envelope, 'Header'), 'Action'))?.trim() ?? null;
  const operationByAction =
    actionText === null || actionText === '' ? undefined : OPERATION_BY_ACTION.get(actionText.toLowerCase());
  if (actionText !== null && actionText !== '' && operationByAction === undefined)
    return err({ kind: 'unsupported-operation', action: actionText });
  if (message === null) {
    if (operationByAction === undefined) return notSoap('the Body holds no request message');
    return invalidRequest(operationByAction, 'the Body holds no request message');
  }
  const [messageName, messageElement] = message;
  const operationByMessage = OPERATION_BY_MESSAGE.get(localNameOf(messageName));
  const operation = operationByAction ?? operationByMessage;
  if (operation === undefined) return err({ kind: 'unsupported-operation', action: messageName });
  if (operationByMessage !== operation)
    return invalidRequest(operation, `the Body holds ${messageName}, not ${operation}RequestMessage`);
  const messageNamespace = namespaceOf(messageName, [envelope, soapBody, messageElement]);
  if (messageNamespace === null || !AUTODISCOVER_NAMESPACES.has(messageNamespace.toLowerCase()))
    return invalidRequest(operation, 'the request message is not in the Autodiscover namespace');

  const request = childByLocalName(messageElement, 'Request');
  if (!isRecord(request)) return invalidRequest(operation, 'there is no Request element');
  const settings = requestedSettingsOf(request);
  if (settings.length === 0) return invalidRequest(operation, 'no setting is requested');
  if (settings.length > MAX_REQUESTED_SETTINGS)
    return invalidRequest(operation, `more than ${MAX_REQUESTED_SETTINGS} settings are requested`);

  if (operation === 'GetUserSettings') {
    // A User without a Mailbox is kept (as empty text): it gets its own InvalidUser answer, in its place.
    const mailboxes = childrenByLocalName(childByLocalName(request, 'Users'), 'User').map(
      (user) => textOf(childByLocalName(user, 'Mailbox')) ?? '',
    );
    if (mailboxes.length === 0) return invalidRequest(operation, 'no user is named');
    if (mailboxes.length > MAX_USERS_PER_REQUEST)
      return invalidRequest(operation, `more than ${MAX_USERS_PER_REQUEST} users are named`);
    return ok({ operation, mailboxes, settings });
  }
  const domains = childrenByLocalName(childByLocalName(request, 'Domains'), 'Domain').map(
    (domain) => textOf(domain) ?? '',
  );
  if (domains.length === 0) return invalidRequest(operation, 'no domain is named');
  if (domains.length > MAX_USERS_PER_REQUEST)
    return invalidRequest(operation, `more than ${MAX_USERS_PER_REQUEST} domains are named`);
  return ok({ operation, domains, settings });
}

function notSoap(reason: string): Result<never, SoapRequestProblem> {
  return err({ kind: 'not-soap', reason });
}

function invalidRequest(operation: SoapOperation, reason: string): Result<never, SoapRequestProblem> {
  return err({ kind: 'invalid-soap-request', operation, reason });
}

function requestedSettingsOf(request: Record<string, unknown>): string[] {
  const names = childrenByLocalName(childByLocalName(request, 'RequestedSettings'), 'Setting')
    .map((setting) => textOf(setting)?.trim() ?? '')
    .filter((name) => name !== '');
  return [...new Set(names)];
}

/** The document's one root element (parseUntrustedXml checked there is exactly one). */
function rootElementOf(document: Record<string, unknown>): readonly [string, unknown] {
  const root = Object.entries(document).find(([key]) => !key.startsWith('?') && !key.startsWith('@_'));
  return root ?? ['', undefined];
}

/** The first child element, with its name as written (prefix included), or null when there is none. */
function firstChildElement(node: Record<string, unknown>): readonly [string, unknown] | null {
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') || key.startsWith('#')) continue;
    return [key, Array.isArray(value) ? (value as unknown[])[0] : value];
  }
  return null;
}

/**
 * The namespace an element name is in: its prefix (or the default namespace) looked up from the
 * element itself outwards. `scopes` are the element's ancestors, outermost first, then the element.
 */
function namespaceOf(name: string, scopes: readonly unknown[]): string | null {
  const colon = name.indexOf(':');
  const attribute = colon < 0 ? '@_xmlns' : `@_xmlns:${name.slice(0, colon)}`;
  for (let index = scopes.length - 1; index >= 0; index--) {
    const scope = scopes[index];
    if (!isRecord(scope)) continue;
    const value = scope[attribute];
    if (typeof value === 'string') return value;
  }
  return null;
}
