import type { IncomingProtocol, MailServer, MailSettings } from '../../model/mail-settings';

/** Who the provider is, as PACC's `info.provider` names it. */
export interface PaccProvider {
  readonly name: string;
  readonly shortName: string;
}

/** Why a domain gets no PACC document: the format cannot describe its mail service. */
export type PaccRefusal =
  /** PACC has no Exchange (EWS, ActiveSync) entry. */
  | 'business-mail'
  /** PACC servers speak implicit TLS on the default port only, and none of ours does for a protocol. */
  | 'no-implicit-tls-incoming'
  | 'no-implicit-tls-submission';

/** Why a hosted domain has no document (the 404's text, and pacc:digest's); the client goes on to autoconfig or Autodiscover. */
export const PACC_REFUSAL_MESSAGES: Readonly<Record<PaccRefusal, string>> = {
  'business-mail':
    'No PACC configuration for this domain: its mailboxes are Business Mail (Exchange), which PACC cannot describe; use Autodiscover.',
  'no-implicit-tls-incoming':
    'No PACC configuration for this domain: no IMAP server on 993 or POP3 server on 995 with implicit TLS, as PACC requires.',
  'no-implicit-tls-submission':
    'No PACC configuration for this domain: no submission server on 465 with implicit TLS, as PACC requires.',
};

export type PaccRendering =
  { readonly kind: 'document'; readonly body: string } | { readonly kind: 'refused'; readonly reason: PaccRefusal };

/** PACC gives a host only: the client connects with implicit TLS to the protocol's default port. */
const PACC_PORT: Readonly<Record<IncomingProtocol | 'submission', number>> = { imap: 993, pop3: 995, submission: 465 };
/** Draft limits on `info.provider` (code points): `name` at most 60, `shortName` at most 20. */
const NAME_MAX = 60;
const SHORT_NAME_MAX = 20;

/**
 * The PACC configuration document of a domain (docs/protocols.md §10.3): its POP access servers
 * that PACC can describe, password authentication, the provider's names. The text is the exact
 * bytes served and digested into the TXT record, so it depends on nothing but its arguments.
 */
export function renderPaccDocument(settings: MailSettings, provider: PaccProvider): PaccRendering {
  if (settings.accessType === 'business') return { kind: 'refused', reason: 'business-mail' };
  const incoming = settings.incoming.filter((server) => speaksPacc(server, PACC_PORT[server.protocol]));
  const submission = settings.outgoing.find((server) => speaksPacc(server, PACC_PORT.submission));
  if (incoming.length === 0) return { kind: 'refused', reason: 'no-implicit-tls-incoming' };
  if (submission === undefined) return { kind: 'refused', reason: 'no-implicit-tls-submission' };
  const protocols: Record<string, { readonly host: string }> = {};
  // Preferred incoming protocol first; JSON readers do not care, people reading it do.
  for (const server of incoming) protocols[server.protocol] = { host: server.host };
  // The submission server under both names the drafts used: `submit` (-03) and `smtp` (-02), §10.3.
  protocols['submit'] = { host: submission.host };
  protocols['smtp'] = { host: submission.host };
  const document = {
    protocols,
    authentication: { password: true },
    info: {
      provider: {
        name: firstCodePoints(provider.name, NAME_MAX),
        // Optional: left out rather than cut when too long for the draft.
        ...(Array.from(provider.shortName).length <= SHORT_NAME_MAX ? { shortName: provider.shortName } : {}),
      },
    },
  };
  return { kind: 'document', body: JSON.stringify(document) };
}

function speaksPacc(server: MailServer, port: number): boolean {
  return server.socket === 'tls' && server.port === port;
}

/** Cut between code points, never inside a surrogate pair. */
function firstCodePoints(text: string, count: number): string {
  const codePoints = Array.from(text);
  return codePoints.length <= count ? text : codePoints.slice(0, count).join('');
}
