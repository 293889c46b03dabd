import { z } from 'zod';
import type { DomainPlatform } from '../model/platform';
import { err, ok, type Result } from '../model/result';
import { mobileUsername, outlookMode, windowsDomain } from './business-mail-schema';
import { displayText, hostName, httpsUrl, mailServer, smtpServers } from './fields';
import { formatIssues } from './format-issues';
import { daysToLeaveMessagesOnServer, preferredIncoming } from './pop-access-schema';
import { nonEmpty } from './provider-profile';

/**
 * A per-domain platform as the account directory holds it (`platform` of a domain in the account
 * file, the `mail_domains.platform` column, the HTTP directory's answer, the Redis cache): the keys
 * of `popAccess` and `businessMail` a domain may override, each checked as the config checks it, no
 * defaults (a key left out keeps the provider-wide value). docs/protocols.md §14.
 */

/** Directory data is not the operator's config file: a cap keeps a runaway row or answer small. */
const MAX_SMTP_SERVERS = 8;
const PLATFORM_NAME_MAX_LENGTH = 64;

const platformSmtp = smtpServers
  .max(MAX_SMTP_SERVERS, { error: `must list at most ${MAX_SMTP_SERVERS} SMTP servers` })
  .transform((servers) => nonEmpty(servers, 'smtp'));

const popAccessOverrides = z.strictObject({
  preferredIncoming: preferredIncoming.optional(),
  imap: mailServer.optional(),
  pop3: mailServer.optional(),
  smtp: platformSmtp.optional(),
  leaveMessagesOnServer: z.boolean().optional(),
  daysToLeaveMessagesOnServer: daysToLeaveMessagesOnServer.optional(),
});

const businessMailOverrides = z
  .strictObject({
    host: hostName.optional(),
    owaUrl: httpsUrl.optional(),
    ewsUrl: httpsUrl.optional(),
    activeSyncUrl: httpsUrl.optional(),
    windowsDomain: windowsDomain.optional(),
    mobileUsername: mobileUsername.optional(),
    outlookMode: outlookMode.optional(),
    outlookRedirectUrl: httpsUrl.optional(),
    activeDirectoryServer: hostName.nullable().optional(),
    smtp: platformSmtp.optional(),
  })
  .check((ctx) => {
    // The mode and its URL go together, so a platform never half-inherits a redirect.
    const { outlookMode: mode, outlookRedirectUrl: url } = ctx.value;
    if (mode === 'redirect' && url === undefined)
      ctx.issues.push({
        code: 'custom',
        path: ['outlookRedirectUrl'],
        message: 'is missing; outlookMode "redirect" needs the URL of the platform\'s own Autodiscover',
        input: url,
      });
    if (url !== undefined && mode !== 'redirect')
      ctx.issues.push({
        code: 'custom',
        path: ['outlookMode'],
        message: 'must be "redirect" when outlookRedirectUrl is set; set both, or leave out outlookRedirectUrl',
        input: mode,
      });
  });

/** Typed as the model's platform: a drift between schema and model fails the build here. */
export const platformSchema: z.ZodType<DomainPlatform> = z.strictObject({
  name: displayText(PLATFORM_NAME_MAX_LENGTH).pipe(z.string().min(1, { error: 'must not be empty' })),
  popAccess: popAccessOverrides.optional(),
  businessMail: businessMailOverrides.optional(),
});

/**
 * A domain's platform from untrusted directory data, or every problem, each naming the domain and
 * the key: `<where> (domain "hosting02.example"): businessMail.ewsUrl must be an absolute https:// URL…`.
 */
export function parsePlatform(where: string, domain: string, input: unknown): Result<DomainPlatform, string[]> {
  const parsed = platformSchema.safeParse(input, { reportInput: true });
  if (parsed.success) return ok(parsed.data);
  return err(formatIssues(`${where} (domain ${JSON.stringify(domain)})`, parsed.error.issues));
}
