import type { MailServer, MailSettings, SocketType } from '../../model/mail-settings';
import { renderXmlDocument, type XmlElement } from '../../xml/render-xml-document';

const THUNDERBIRD_SOCKET: Readonly<Record<SocketType, string>> = { tls: 'SSL', starttls: 'STARTTLS' };
/** Thunderbird fills this in with the address the user typed. */
const ADDRESS_PLACEHOLDER = '%EMAILADDRESS%';

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
 * Business Mail: an `exchange` server plus the outgoing server Thunderbird requires.
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
      : [
          {
            '@_type': 'exchange',
            hostname: settings.exchange.host,
            port: 443,
            socketType: 'SSL',
            authentication: 'password-cleartext',
            username,
            owaURL: settings.exchange.owaUrl,
            // Older builds read ewsURL, the newest exchangeURL; unknown elements are ignored, so send both.
            ewsURL: settings.exchange.ewsUrl,
            exchangeURL: settings.exchange.ewsUrl,
            easURL: settings.exchange.activeSyncUrl,
            // As the ISPDB's Office 365 entry does (docs/protocols.md §6.4).
            useGlobalPreferredServer: 'true',
          },
        ];
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
