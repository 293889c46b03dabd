import type { ProviderProfile } from '../model/resolve';
import type { IncomingServer } from '../model/mail-settings';
import type { AppConfig } from './schema';

/** Derives the settings model's fixed part from validated config, once. */
export function buildProviderProfile(config: AppConfig): ProviderProfile {
  const { popAccess, businessMail } = config;
  const imap: IncomingServer = { protocol: 'imap', ...popAccess.imap };
  const pop3: IncomingServer = { protocol: 'pop3', ...popAccess.pop3 };
  return {
    popAccess: {
      incoming: popAccess.preferredIncoming === 'imap' ? [imap, pop3] : [pop3, imap],
      outgoing: popAccess.smtp,
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
      outgoing: businessMail.smtp,
    },
  };
}
