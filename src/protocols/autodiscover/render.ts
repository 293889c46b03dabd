import type {
  BusinessMailSettings,
  MailServer,
  MailSettings,
  PopAccessSettings,
  SocketType,
} from '../../model/mail-settings';
import { renderXmlDocument, type XmlElement } from '../../xml/render-xml-document';
import { MOBILESYNC_RESPONSE_SCHEMA, OUTLOOK_RESPONSE_SCHEMA, RESPONSE_NAMESPACE } from './paths';

/** Outlook `Type` per internal protocol. */
const OUTLOOK_PROTOCOL_TYPE = { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' } as const;
/** `Encryption` overrides `SSL`; `SSL` = implicit TLS, `TLS` = STARTTLS (automx2's reading of MS-OXDSCLI). */
const OUTLOOK_ENCRYPTION: Readonly<Record<SocketType, string>> = { tls: 'SSL', starttls: 'TLS' };

/** Per-request values that are not settings. */
export interface AutodiscoverRenderContext {
  /**
   * True when the client follows `Action: redirectUrl` (Outlook); false for Thunderbird, which
   * does not, and so gets the static settings instead.
   */
  readonly clientFollowsRedirectUrl: boolean;
}

/**
 * The POX "outlook" answer. POP access: every incoming server (preferred first) and the preferred
 * SMTP server. Business Mail: the static Hosted Exchange subset (EXPR + WEB), or a hand-off to the
 * platform's own Autodiscover when configured and the client follows it.
 */
export function renderOutlookResponse(settings: MailSettings, context: AutodiscoverRenderContext): string {
  const user = settings.user;
  const account =
    settings.accessType === 'pop'
      ? popAccount(settings)
      : settings.outlookRedirectUrl !== null && context.clientFollowsRedirectUrl
        ? { Action: 'redirectUrl', RedirectUrl: settings.outlookRedirectUrl }
        : exchangeAccount(settings);
  const userElement: XmlElement | undefined =
    user.displayName === null && user.address === null
      ? undefined
      : { DisplayName: user.displayName ?? undefined, AutoDiscoverSMTPAddress: user.address?.address };
  return renderXmlDocument({
    Autodiscover: {
      '@_xmlns': RESPONSE_NAMESPACE,
      Response: { '@_xmlns': OUTLOOK_RESPONSE_SCHEMA, User: userElement, Account: account },
    },
  });
}

function popAccount(settings: PopAccessSettings): XmlElement {
  const loginName = settings.username ?? undefined;
  const incoming = settings.incoming.map((server) => ({
    ...serverElements(OUTLOOK_PROTOCOL_TYPE[server.protocol], server, loginName),
    AuthRequired: 'on',
  }));
  const smtp = {
    ...serverElements('SMTP', settings.outgoing[0], loginName),
    AuthRequired: 'on',
    UsePOPAuth: 'on',
    SMTPLast: 'off',
  };
  return { AccountType: 'email', Action: 'settings', Protocol: [...incoming, smtp] };
}

/** SPA and SSL default to "on" in Outlook, so both are always written. */
function serverElements(type: string, server: MailServer, loginName: string | undefined): XmlElement {
  return {
    Type: type,
    Server: server.host,
    Port: server.port,
    LoginName: loginName,
    DomainRequired: 'off',
    SPA: 'off',
    SSL: 'on',
    Encryption: OUTLOOK_ENCRYPTION[server.socket],
  };
}

function exchangeAccount(settings: BusinessMailSettings): XmlElement {
  const { exchange } = settings;
  return {
    AccountType: 'email',
    Action: 'settings',
    Protocol: [
      {
        Type: 'EXPR',
        Server: exchange.host,
        SSL: 'on',
        AuthPackage: 'basic',
        // The provider's logon is the full address (a UPN), so the domain is not required; DomainName
        // carries the Windows domain for the clients that ask for one (the provider's help: "hosting01").
        LoginName: settings.username ?? undefined,
        DomainRequired: 'off',
        DomainName: settings.windowsDomain,
        ASUrl: exchange.ewsUrl,
        EwsUrl: exchange.ewsUrl,
        OOFUrl: exchange.ewsUrl,
      },
      {
        Type: 'WEB',
        External: {
          // Thunderbird keeps the OWA URL only when AuthenticationMethod is present.
          OWAUrl: { '@_AuthenticationMethod': 'Basic, Fba', '#text': exchange.owaUrl },
          Protocol: { Type: 'EXPR', ASUrl: exchange.ewsUrl },
        },
      },
    ],
  };
}

/** The mobilesync (Exchange ActiveSync) answer for a Business Mail account. */
export function renderMobileSyncResponse(settings: BusinessMailSettings): string {
  const { user, exchange } = settings;
  return renderXmlDocument({
    Autodiscover: {
      '@_xmlns': RESPONSE_NAMESPACE,
      Response: {
        '@_xmlns': MOBILESYNC_RESPONSE_SCHEMA,
        Culture: 'en:us',
        User: { DisplayName: user.displayName ?? undefined, EMailAddress: user.address?.address },
        Action: {
          Settings: {
            Server: { Type: 'MobileSync', Url: exchange.activeSyncUrl, Name: exchange.activeSyncUrl },
          },
        },
      },
    },
  });
}
