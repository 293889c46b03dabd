import { XMLParser } from 'fast-xml-parser';
import forge from 'node-forge';
import plist from 'plist';
import type { WireAnswer } from './loopback';

/**
 * One line per client family for `check`: what its answer tells the client, read back from the
 * bytes the service sent (never rebuilt from the settings), so the summary is what the client gets.
 */

// Answers are our own, but read as any XML: no entities expanded, as the service's own parser.
const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  processEntities: false,
  parseTagValue: false,
  isArray: (name) => ['Protocol', 'incomingServer', 'outgoingServer', 'PayloadContent'].includes(name),
});

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);
const child = (node: unknown, name: string): unknown => (isNode(node) ? node[name] : undefined);
const children = (node: unknown, name: string): unknown[] => {
  const value = child(node, name);
  return Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value];
};
const text = (node: unknown, name: string): string => {
  const value = child(node, name);
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (isNode(value) && typeof value['#text'] === 'string') return value['#text'];
  return '';
};

function notAnswered(answer: WireAnswer): string {
  return `HTTP ${answer.status}: ${answer.body.toString('utf8').trim().slice(0, 200)}`;
}

/** Outlook POX: the servers and ports of each Protocol, a redirect, or the error code. */
export function summarizePox(answer: WireAnswer): string {
  if (answer.status !== 200) return notAnswered(answer);
  const response = child(child(xml.parse(answer.body.toString('utf8')), 'Autodiscover'), 'Response');
  const error = child(response, 'Error');
  if (error !== undefined) return `error ${text(error, 'ErrorCode')}: ${text(error, 'Message')}`;
  const account = child(response, 'Account');
  if (text(account, 'Action') === 'redirectUrl') return `redirect to ${text(account, 'RedirectUrl')}`;
  return children(account, 'Protocol')
    .map((protocol) => {
      const type = text(protocol, 'Type');
      if (type === 'WEB') return `WEB ${text(child(protocol, 'External'), 'OWAUrl')}`;
      if (type === 'EXPR') return `EXPR ${text(protocol, 'Server')} (EWS ${text(protocol, 'EwsUrl')})`;
      return `${type} ${text(protocol, 'Server')}:${text(protocol, 'Port')} ${text(protocol, 'Encryption') || text(protocol, 'SSL')}`;
    })
    .join(', ');
}

/** Autodiscover v2 JSON: the URL given for the protocol, or the error. */
export function summarizeJson(answer: WireAnswer): string {
  const body: unknown = JSON.parse(answer.body.toString('utf8'));
  if (answer.status === 200 && isNode(body)) return String(body['Url']);
  return isNode(body) ? `HTTP ${answer.status} ${String(body['ErrorCode'])}` : notAnswered(answer);
}

function autoconfigServer(server: unknown): string {
  const type = String(child(server, '@_type'));
  if (type === 'exchange') return `exchange ${text(server, 'hostname')} (EWS ${text(server, 'ewsURL')})`;
  return `${type} ${text(server, 'hostname')}:${text(server, 'port')} ${text(server, 'socketType')}`;
}

/** Thunderbird autoconfig: incoming servers in order, then outgoing servers in order. */
export function summarizeAutoconfig(answer: WireAnswer): string {
  if (answer.status !== 200) return notAnswered(answer);
  const provider = child(child(xml.parse(answer.body.toString('utf8')), 'clientConfig'), 'emailProvider');
  const incoming = children(provider, 'incomingServer').map(autoconfigServer);
  const outgoing = children(provider, 'outgoingServer').map(autoconfigServer);
  return `${incoming.join(', ')}; sending: ${outgoing.join(', ')}`;
}

/** The bytes of the OCTET STRINGs under an ASN.1 node, joined (a BER signer may split them into pieces). */
function octets(node: forge.asn1.Asn1): string {
  if (typeof node.value === 'string') return node.type === forge.asn1.Type.OCTETSTRING ? node.value : '';
  return node.value.map(octets).join('');
}

/** An Apple profile's plist: as sent, or the content a CMS signature wraps (docs/protocols.md §7.6). */
export function profilePlist(body: Buffer): { readonly signed: boolean; readonly plist: string } {
  if (body.subarray(0, 5).toString('latin1') === '<?xml') return { signed: false, plist: body.toString('utf8') };
  const message = forge.pkcs7.messageFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(body.toString('binary'))));
  // SignedData's encapsulated content ([0] EXPLICIT OCTET STRING), which node-forge captures but does not expose.
  const captured = (message as { rawCapture?: { content?: forge.asn1.Asn1 } }).rawCapture?.content;
  if (captured === undefined) throw new Error('the signed profile carries no content');
  return { signed: true, plist: Buffer.from(octets(captured), 'binary').toString('utf8') };
}

/** Apple: the payload types the profile installs, and whether it is signed. */
export function summarizeAppleProfile(answer: WireAnswer): string {
  if (answer.status !== 200) return notAnswered(answer);
  const profile = profilePlist(answer.body);
  const parsed: unknown = plist.parse(profile.plist);
  const types = children(parsed, 'PayloadContent').map((payload) => String(child(payload, 'PayloadType')));
  return `${types.join(', ')} (${profile.signed ? 'signed' : 'unsigned'})`;
}

/** PACC: the protocols of the document, or why there is none. */
export function summarizePacc(answer: WireAnswer): string {
  if (answer.status !== 200) return `no document (${notAnswered(answer)})`;
  const document: unknown = JSON.parse(answer.body.toString('utf8'));
  const protocols = child(document, 'protocols');
  const entries = isNode(protocols) ? Object.entries(protocols) : [];
  return `document: ${entries.map(([name, server]) => `${name} ${text(server, 'host') || text(server, 'url')}`).join(', ')}`;
}
