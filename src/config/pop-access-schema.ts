import { z } from 'zod';
import { mailServer } from './fields';
import { PROVIDER_HOST } from './provider-schema';

/** Servers of POP access accounts (`popAccess` in the config file). */
export const popAccessSchema = z
  .strictObject({
    /** Which incoming protocol clients are offered first (Apple profiles carry only this one). */
    preferredIncoming: z.enum(['imap', 'pop3'], { error: 'must be "imap" or "pop3"' }).default('imap'),
    imap: mailServer.default({ host: PROVIDER_HOST, port: 993, socket: 'tls' }),
    pop3: mailServer.default({ host: PROVIDER_HOST, port: 995, socket: 'tls' }),
    /** Submission servers, preferred first. Port 25 is left out: many ISPs block it. */
    smtp: z
      .array(mailServer)
      .min(1, { error: 'must list at least one SMTP server' })
      .default([
        { host: PROVIDER_HOST, port: 587, socket: 'starttls' },
        { host: PROVIDER_HOST, port: 465, socket: 'tls' },
      ]),
    /** POP users may keep a copy on the server (Thunderbird `leaveMessagesOnServer`). */
    leaveMessagesOnServer: z.boolean().default(true),
    daysToLeaveMessagesOnServer: z.int().min(1).max(3650).default(14),
  })
  .prefault({});
