import { z } from 'zod';
import { mailServer, smtpServers } from './fields';
import { PROVIDER_HOST } from './provider-schema';

/** Which incoming protocol clients are offered first (shared with platform-schema.ts). */
export const preferredIncoming = z.enum(['imap', 'pop3'], { error: 'must be "imap" or "pop3"' });

export const daysToLeaveMessagesOnServer = z.int().min(1).max(3650);

/** Servers of POP access accounts (`popAccess` in the config file). */
export const popAccessSchema = z
  .strictObject({
    /** Which incoming protocol clients are offered first (Apple profiles carry only this one). */
    preferredIncoming: preferredIncoming.default('imap'),
    imap: mailServer.default({ host: PROVIDER_HOST, port: 993, socket: 'tls' }),
    pop3: mailServer.default({ host: PROVIDER_HOST, port: 995, socket: 'tls' }),
    /** Submission servers, preferred first. Port 25 is left out: many ISPs block it. */
    smtp: smtpServers.default([
      { host: PROVIDER_HOST, port: 587, socket: 'starttls' },
      { host: PROVIDER_HOST, port: 465, socket: 'tls' },
    ]),
    /** POP users may keep a copy on the server (Thunderbird `leaveMessagesOnServer`). */
    leaveMessagesOnServer: z.boolean().default(true),
    daysToLeaveMessagesOnServer: daysToLeaveMessagesOnServer.default(14),
  })
  .prefault({});
