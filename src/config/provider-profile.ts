import type { ProviderProfile } from '../model/resolve-settings';
import type { IncomingServer, MailServer, NonEmptyList } from '../model/mail-settings';
import type { AppConfig } from './schema';

/** Derives the settings model's fixed part from validated config, once. */
export function buildProviderProfile(config: AppConfig): ProviderProfile {
  const { popAccess, businessMail } = config;
  const imap: IncomingServer = { protocol: 'imap', ...popAccess.imap };
  const pop3: IncomingServer = { protocol: 'pop3', ...popAccess.pop3 };
  const popSmtp = nonEmpty(popAccess.smtp, 'popAccess.smtp');
  return {
    popAccess: {
      incoming: popAccess.preferredIncoming === 'imap' ? [imap, pop3] : [pop3, imap],
      outgoing: popSmtp,
      leaveMessagesOnServer: popAccess.leaveMessagesOnServer,
      daysToLeaveMessagesOnServer: popAccess.daysToLeaveMessagesOnServer,
    },
    businessMail: {
      exchange: {
        host: businessMail.host,
        owaUrl: businessMail.owaUrl,
        ewsUrl: businessMail.ewsUrl,
        activeSyncUrl: businessMail.activeSyncUrl,
      },
      windowsDomain: businessMail.windowsDomain,
      mobileUsername: businessMail.mobileUsername,
      outlookRedirectUrl: businessMail.outlookRedirectUrl,
      activeDirectoryServer: businessMail.activeDirectoryServer,
      outgoing: nonEmpty(businessMail.smtp, 'businessMail.smtp'),
    },
  };
}

/** The schema's min(1), carried into the type; only a schema that stopped checking it can throw here. */
export function nonEmpty(servers: readonly MailServer[], key: string): NonEmptyList<MailServer> {
  const [first, ...rest] = servers;
  if (first === undefined) throw new Error(`${key} lists no server; the config schema requires at least one`);
  return [first, ...rest];
}
