import { z } from 'zod';
import { parseDomainName } from '../model/email-address';
import { displayText, hostName, httpsUrl } from './fields';

/** The provider's own host: every server and URL of its setup help is on it, hence the defaults. */
export const PROVIDER_HOST = 'mamutmail.com';

/** A domain of the provider's own, as the Host names it after "autoconfig.", which is left off. */
const providerDomain = hostName.refine((value) => !/^autoconfig\./i.test(value), {
  error:
    'must be the domain without "autoconfig." ("mamutmail.com" answers autoconfig.mamutmail.com and mamutmail.com)',
});

/** The A-label, lower-case form a Host header is compared in (hostName has checked that it parses). */
function asciiDomainOf(domain: string): string {
  const parsed = parseDomainName(domain);
  return parsed.ok ? parsed.value.ascii : domain;
}

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
    /**
     * The provider's own domains (the base domains of its MX hosts): autoconfig asked on
     * `autoconfig.<domain>` or `<domain>` without an address gets the provider-wide POP access
     * answer. Left out: the provider id. `[]` turns it off. (docs/protocols.md §6.7)
     */
    autoconfigDomains: z.array(providerDomain).optional(),
  })
  .transform((provider) => ({
    ...provider,
    autoconfigDomains: [
      ...new Set((provider.autoconfigDomains ?? [provider.id]).map((domain) => asciiDomainOf(domain))),
    ],
  }))
  .prefault({});
