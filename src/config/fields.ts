import { z } from 'zod';
import { parseDomainName } from '../model/email-address';

/** Field types used by more than one config section. */

/**
 * Text that every output format can carry: no control characters, no lone surrogates, no
 * U+FFFE/U+FFFF (XML 1.0 and Apple's plist reader refuse them). Names shown to users pass this.
 */
export const displayText = (maxLength: number) =>
  z
    .string()
    .max(maxLength, { error: `must be at most ${maxLength} characters` })
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    .refine((value) => value.isWellFormed() && !/[\u0000-\u001f\u007f-\u009f\ufffe\uffff]/u.test(value), {
      error: 'must not contain control characters, lone surrogates or U+FFFE/U+FFFF',
    });

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
