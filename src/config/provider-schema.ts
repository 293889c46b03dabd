import { z } from 'zod';
import { displayText, hostName, httpsUrl } from './fields';

/** The provider's own host: every server and URL of its setup help is on it, hence the defaults. */
export const PROVIDER_HOST = 'mamutmail.com';

/** Who the provider is, as clients show it (`provider` in the config file). */
export const providerSchema = z
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
  .prefault({});
