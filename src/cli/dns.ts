import type { Service } from '../compose';
import { loadConfig } from '../config/load';
import type { AppConfig } from '../config/schema';
import { parseDomainName } from '../model/email-address';
import { isOutcome, parseCommandLine, usageError, type CliCommand } from './command-line';
import { withServiceOnLoopback } from './loopback';
import { listProblems, type Outcome } from './outcome';
import { paccRecordFrom, type PaccRecord } from './pacc-digest';
import { configOnPlatform } from './platform-config';
import { zoneRecords } from './zone-records';

const NAME = 'dns';

const USAGE = `Usage: mail-autodiscover dns <domain>
  mail-autodiscover dns example.com
  CONFIG_FILE=config/production.yaml mail-autodiscover dns example.com
  (from a checkout: npm run cli -- dns example.com)
Prints the zone-file lines a customer domain publishes so that clients find this service: the
autoconfig and autodiscover CNAMEs and the _autodiscover._tcp SRV record (to the host of
autodiscover.publicUrl), the RFC 6186 / RFC 8314 SRV records of the mail servers ("0 0 0 ." where
a service is not offered), and for POP access domains the PACC name and _ua-auto-config TXT record
(the digest pacc digest prints). Lines starting with ";" are zone-file comments. The domain's
default access type comes from the account directory of the configuration (CONFIG_FILE).
Options: -h/--help.
Exit codes: 0 printed, 1 the domain is not hosted, an invalid configuration or the directory
cannot answer, 2 usage.`;

export const dnsCommand: CliCommand = {
  name: NAME,
  summary: 'the DNS records a customer domain publishes, as zone-file lines',
  usage: USAGE,
  async run(args, env): Promise<Outcome> {
    const parsed = parseCommandLine(this, args, {}, { min: 1, max: 1, what: 'exactly one domain' });
    if (isOutcome(parsed)) return parsed;
    const domainText = parsed.positionals[0] ?? '';
    const domain = parseDomainName(domainText);
    if (!domain.ok) return usageError(this, `${JSON.stringify(domainText)} is not a domain name such as "example.com"`);
    const ascii = domain.value.ascii;
    const loaded = loadConfig(env);
    if (!loaded.ok) return listProblems(NAME, 'the configuration is invalid', loaded.error);
    const config = loaded.value.config;
    const printed = await withServiceOnLoopback(loaded.value, async (service, baseUrl): Promise<Outcome> => {
      const zone = await publishedZone(NAME, config, service, baseUrl, ascii);
      if (isOutcome(zone)) return zone;
      const lines = [...zone.lines];
      if (zone.platformName !== null) lines.splice(1, 0, `; mail servers of platform ${zone.platformName}`);
      return { code: 0, message: lines.join('\n') };
    });
    return printed.ok ? printed.value : { code: 1, message: `${NAME}: ${printed.error.join('\n')}` };
  },
};

/** The records a hosted domain publishes, and the PACC document they were made from. */
export interface PublishedZone {
  readonly lines: readonly string[];
  readonly pacc: PaccRecord;
  /** The domain's own platform, whose hosts the SRV records name; null: the provider-wide ones. */
  readonly platformName: string | null;
}

/**
 * The zone-file lines `dns` prints for `domain` (selfcheck checks the same ones), from the account
 * directory's answer and the PACC document the service on `baseUrl` serves; an exit-1 outcome
 * naming `command` when the domain is not hosted. A domain on a platform of its own publishes that
 * platform's mail hosts (docs/protocols.md §14).
 */
export async function publishedZone(
  command: string,
  config: AppConfig,
  service: Service,
  baseUrl: string,
  domain: string,
): Promise<Outcome | PublishedZone> {
  const answer = await service.directory.lookup({ domain, address: null });
  if (!answer.hosted)
    return {
      code: 1,
      message: `${command}: ${domain} is not hosted by this service (no such domain in the account directory); add it there first`,
    };
  const pacc = await paccRecordFrom(baseUrl, domain);
  const lines = zoneRecords(configOnPlatform(config, answer.platform), {
    domain,
    defaultAccessType: answer.accessType,
    pacc,
  });
  return { lines, pacc, platformName: answer.platform?.name ?? null };
}
