import type { ExchangeEndpoints, MailServer, MailSettings, SocketType } from '../../model/mail-settings';
import { renderXmlDocument, type XmlElement } from '../../xml/render-xml-document';

const THUNDERBIRD_SOCKET: Readonly<Record<SocketType, string>> = { tls: 'SSL', starttls: 'STARTTLS' };
/** Thunderbird fills this in with the address the user typed. */
const ADDRESS_PLACEHOLDER = '%EMAILADDRESS%';
const HTTPS_PORT = 443;

/** Who Thunderbird shows as the provider: the `emailProvider` element and the webmail link. */
export interface AutoconfigEmailProvider {
  /** `emailProvider@id`: a host name, or Thunderbird rejects the file. */
  readonly id: string;
  readonly name: string;
  readonly shortName: string;
  readonly webmailUrl: string;
}

/**
 * clientConfig 1.1 as Thunderbird's readFromXML and Thunderbird for Android read it. POP access:
 * IMAP and POP3 (preferred first; K-9 takes the first imap), SMTP servers with password login.
 * Business Mail: an `ews` server for Thunderbird's built-in EWS, then the `exchange` server older
 * builds read, plus the outgoing server Thunderbird requires (docs/protocols.md §6.4).
 */
export function renderAutoconfig(settings: MailSettings, provider: AutoconfigEmailProvider): string {
  const username = settings.username ?? ADDRESS_PLACEHOLDER;
  const incomingServer =
    settings.accessType === 'pop'
      ? settings.incoming.map((server) => ({
          '@_type': server.protocol,
          ...serverElements(server, username),
          pop3:
            server.protocol === 'pop3'
              ? {
                  leaveMessagesOnServer: String(settings.leaveMessagesOnServer),
                  daysToLeaveMessagesOnServer: settings.daysToLeaveMessagesOnServer,
                }
              : undefined,
        }))
      : [ewsServer(settings.exchange.ewsUrl, username), exchangeServer(settings.exchange, username)];
  const emailProvider: XmlElement = {
    '@_id': provider.id,
    domain: settings.user.domain,
    displayName: provider.name,
    displayShortName: provider.shortName,
    incomingServer,
    outgoingServer: settings.outgoing.map((server) => ({ '@_type': 'smtp', ...serverElements(server, username) })),
  };
  return renderXmlDocument({
    clientConfig: {
      '@_version': '1.1',
      emailProvider,
      webMail: { loginPage: { '@_url': provider.webmailUrl } },
    },
  });
}

function serverElements(server: MailServer, username: string): XmlElement {
  return {
    hostname: server.host,
    port: server.port,
    socketType: THUNDERBIRD_SOCKET[server.socket],
    authentication: 'password-cleartext',
    username,
  };
}

/**
 * Thunderbird 150+'s native EWS server, first so its setup screen preselects it (older builds skip
 * the type). Host, port and socket come from the URL, as readFromXML derives them, and are written
 * as Thunderbird's own ewsifyConfig copies them from an exchange server (docs/protocols.md §6.4).
 */
function ewsServer(ewsUrl: string, username: string): XmlElement {
  const url = new URL(ewsUrl);
  return {
    '@_type': 'ews',
    hostname: url.hostname,
    port: url.port === '' ? HTTPS_PORT : Number(url.port),
    socketType: THUNDERBIRD_SOCKET.tls,
    authentication: 'password-cleartext',
    username,
    url: ewsUrl,
  };
}

/** The combined Exchange server, for builds before 150 (the OWL add-on) and as an alternative. */
function exchangeServer(exchange: ExchangeEndpoints, username: string): XmlElement {
  return {
    '@_type': 'exchange',
    hostname: exchange.host,
    port: HTTPS_PORT,
    socketType: THUNDERBIRD_SOCKET.tls,
    authentication: 'password-cleartext',
    username,
    owaURL: exchange.owaUrl,
    // ewsURL is the element every build reads (no release ever read an exchangeURL element).
    ewsURL: exchange.ewsUrl,
    easURL: exchange.activeSyncUrl,
    // As the ISPDB's Office 365 entry does (docs/protocols.md §6.4).
    useGlobalPreferredServer: 'true',
  };
}
