import { z } from 'zod';
import { hostName, httpsUrl, smtpServers, type MailServer } from './fields';
import { PROVIDER_HOST } from './provider-schema';

/** Windows domain for clients that ask for one (shared with per-domain platforms, platform-schema.ts). */
export const windowsDomain = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/, { error: 'must be a NetBIOS/DNS domain such as "hosting01"' });

/** Phones log in with `@` replaced by `_` (`jane_example.com`), per the provider's help. */
export const mobileUsername = z.enum(['underscore', 'address'], { error: 'must be "underscore" or "address"' });

/**
 * `settings`: answer Outlook with the static EXPR/WEB subset. `redirect`: hand Outlook to the
 * platform's own Autodiscover at `outlookRedirectUrl` (Thunderbird still gets settings).
 */
export const outlookMode = z.enum(['settings', 'redirect'], { error: 'must be "settings" or "redirect"' });

/** The Exchange platform of Business Mail accounts (`businessMail` in the config file). */
export const businessMailSchema = z
  .strictObject({
    /** The Exchange front end ("Web Access URL" host). */
    host: hostName.default(PROVIDER_HOST),
    /** Outlook Web Access; the seed's Web Access URL. */
    owaUrl: httpsUrl.default('https://mamutmail.com'),
    ewsUrl: httpsUrl.default('https://mamutmail.com/EWS/Exchange.asmx'),
    activeSyncUrl: httpsUrl.default('https://mamutmail.com/Microsoft-Server-ActiveSync'),
    windowsDomain: windowsDomain.default('hosting01'),
    mobileUsername: mobileUsername.default('underscore'),
    outlookMode: outlookMode.default('settings'),
    outlookRedirectUrl: httpsUrl.default('https://mamutmail.com/Autodiscover/Autodiscover.xml'),
    /** SOAP Autodiscover `ActiveDirectoryServer` (a global catalog host); left out of answers when null. */
    activeDirectoryServer: hostName.nullable().default(null),
    /** Outgoing servers offered with Exchange accounts (Thunderbird requires one); defaults to popAccess.smtp. */
    smtp: smtpServers.optional(),
  })
  .transform((businessMail) => ({
    ...businessMail,
    /** The URL Outlook is handed to; null unless outlookMode is "redirect". */
    outlookRedirectUrl: businessMail.outlookMode === 'redirect' ? businessMail.outlookRedirectUrl : null,
  }))
  .prefault({});

/** `businessMail.smtp` left out means the POP access submission servers (`popAccess.smtp`). */
export function withBusinessMailSmtp(businessMail: z.output<typeof businessMailSchema>, popAccessSmtp: MailServer[]) {
  return { ...businessMail, smtp: businessMail.smtp ?? popAccessSmtp };
}
