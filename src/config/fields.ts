import { z } from 'zod';
import { parseDomainName } from '../model/email-address';

/** Field types used by more than one config section. */

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NOT_DISPLAYABLE = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]/u;

/**
 * Text that every output format can carry: no control characters, no lone surrogates, no
 * U+FFFE/U+FFFF (XML 1.0 and Apple's plist reader refuse them). Names shown to users pass this.
 */
export function isDisplayText(value: string): boolean {
  return value.isWellFormed() && !NOT_DISPLAYABLE.test(value);
}

/** A string setting shown to users: isDisplayText, at most `maxLength` UTF-16 units. */
export const displayText = (maxLength: number) =>
  z
    .string()
    .max(maxLength, { error: `must be at most ${maxLength} characters` })
    .refine(isDisplayText, { error: 'must not contain control characters, lone surrogates or U+FFFE/U+FFFF' });

export const hostName = z.string().refine((value) => parseDomainName(value).ok, {
  error: 'must be a host name such as "mail.example.com"',
});

export const httpsUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  },
  { error: 'must be an absolute https:// URL such as "https://mail.example.com/owa/"' },
);

export const tcpPort = z
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be a TCP port from 1 to 65535' })
  .max(65535, {
    error: 'must be a TCP port from 1 to 65535',
  });

/** A duration setting: one message for every way it can be wrong, so each names its unit and range. */
export const milliseconds = (min: number, max: number) => {
  const error = `must be a whole number of milliseconds from ${min} to ${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
};

const socket = z.enum(['tls', 'starttls'], {
  error: 'must be "tls" (implicit TLS, e.g. 993/995/465) or "starttls" (e.g. 143/110/587); plain text is not offered',
});

/** An incoming or outgoing mail server as clients are told it; plain text is never offered. */
export const mailServer = z.strictObject({ host: hostName, port: tcpPort, socket });

export type MailServer = z.infer<typeof mailServer>;

/** Submission servers, preferred first: at least one. */
export const smtpServers = z.array(mailServer).min(1, { error: 'must list at least one SMTP server' });
