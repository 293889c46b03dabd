import { z } from 'zod';
import { adminSchema } from './admin-schema';
import { cacheSchema } from './cache-schema';
import { directorySchema } from './directory-schema';
import { displayText, hostName, httpsUrl, tcpPort as port } from './fields';
import { rateLimitSchema } from './rate-limit-schema';
import { serverSchema } from './server-schema';

// Field types shared by the section schemas live in fields.ts (no import cycle through this file).
export { hostName, httpsUrl };

/**
 * Every setting, once: type, default and what it is for. Defaults are the provider's own facts from
 * its setup help (every server `mamutmail.com`, Exchange domain `hosting01`); a config file only
 * lists what differs. Unknown keys are refused, so a misspelt key fails at start-up instead of
 * silently keeping a default.
 */

const socket = z.enum(['tls', 'starttls'], {
  error: 'must be "tls" (implicit TLS, e.g. 993/995/465) or "starttls" (e.g. 143/110/587); plain text is not offered',
});

const mailServer = z.strictObject({ host: hostName, port, socket });

const PROVIDER_HOST = 'mamutmail.com';

const defaultSmtp = [
  { host: PROVIDER_HOST, port: 587, socket: 'starttls' as const },
  { host: PROVIDER_HOST, port: 465, socket: 'tls' as const },
];

export const configSchema = z.strictObject({
  server: serverSchema,
  provider: z
    .strictObject({
      /** Thunderbird `emailProvider@id`: a host name naming the provider. */
      id: hostName.default(PROVIDER_HOST),
      name: displayText(200).pipe(z.string().min(1)).default('Mamut Mail'),
      shortName: displayText(60).pipe(z.string().min(1)).default('Mamut'),
      /** Reverse-DNS prefix of Apple PayloadIdentifiers; also seeds the name-based UUIDs. */
      payloadIdentifierPrefix: z
        .string()
        .regex(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, { error: 'must be reverse-DNS such as "com.example.autoconfig"' })
        .default('com.mamutmail.autoconfig'),
      webmailUrl: httpsUrl.default('https://mamutmail.com'),
    })
    .prefault({}),
  autodiscover: z
    .strictObject({
      /** Where Autodiscover v2 (JSON) sends Outlook for the POX answer: this service's public URL. */
      publicUrl: httpsUrl.default('https://autodiscover.mamutmail.com/autodiscover/autodiscover.xml'),
      /** Error `Id` attribute: an unsigned integer naming this server in Outlook's logs. */
      serverId: z.int().min(0).max(4294967295).default(0),
    })
    .prefault({}),
  popAccess: z
    .strictObject({
      /** Which incoming protocol clients are offered first (Apple profiles carry only this one). */
      preferredIncoming: z.enum(['imap', 'pop3'], { error: 'must be "imap" or "pop3"' }).default('imap'),
      imap: mailServer.default({ host: PROVIDER_HOST, port: 993, socket: 'tls' }),
      pop3: mailServer.default({ host: PROVIDER_HOST, port: 995, socket: 'tls' }),
      /** Submission servers, preferred first. Port 25 is left out: many ISPs block it. */
      smtp: z.array(mailServer).min(1, { error: 'must list at least one SMTP server' }).default(defaultSmtp),
      /** POP users may keep a copy on the server (Thunderbird `leaveMessagesOnServer`). */
      leaveMessagesOnServer: z.boolean().default(true),
      daysToLeaveMessagesOnServer: z.int().min(1).max(3650).default(14),
    })
    .prefault({}),
  businessMail: z
    .strictObject({
      /** The Exchange front end ("Web Access URL" host). */
      host: hostName.default(PROVIDER_HOST),
      /** Outlook Web Access; the seed's Web Access URL. */
      owaUrl: httpsUrl.default('https://mamutmail.com'),
      ewsUrl: httpsUrl.default('https://mamutmail.com/EWS/Exchange.asmx'),
      activeSyncUrl: httpsUrl.default('https://mamutmail.com/Microsoft-Server-ActiveSync'),
      /** Windows domain for clients that ask for one. */
      windowsDomain: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/, { error: 'must be a NetBIOS/DNS domain such as "hosting01"' })
        .default('hosting01'),
      /** Phones log in with `@` replaced by `_` (`jane_example.com`), per the provider's help. */
      mobileUsername: z
        .enum(['underscore', 'address'], { error: 'must be "underscore" or "address"' })
        .default('underscore'),
      /**
       * `settings`: answer Outlook with the static EXPR/WEB subset. `redirect`: hand Outlook to the
       * platform's own Autodiscover at `outlookRedirectUrl` (Thunderbird still gets settings).
       */
      outlookMode: z.enum(['settings', 'redirect'], { error: 'must be "settings" or "redirect"' }).default('settings'),
      outlookRedirectUrl: httpsUrl.default('https://mamutmail.com/Autodiscover/Autodiscover.xml'),
      /** Outgoing servers offered with Exchange accounts (Thunderbird requires one); defaults to popAccess.smtp. */
      smtp: z.array(mailServer).min(1, { error: 'must list at least one SMTP server' }).optional(),
    })
    .prefault({}),
  directory: directorySchema,
  cache: cacheSchema,
  rateLimit: rateLimitSchema,
  admin: adminSchema,
  privacy: z
    .strictObject({
      /** Directory display names are personal data; anonymous answers leave them out unless this is true. */
      revealDisplayNames: z.boolean().default(false),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .prefault({}),
});

export type AppConfig = z.infer<typeof configSchema>;
