import { loadConfig } from '../config/load';
import { parseDomainName } from '../model/email-address';
import { isOutcome, parseCommandLine, usageError, type CliCommand } from './command-line';
import { withServiceOnLoopback } from './loopback';
import { listProblems, type Outcome } from './outcome';
import { paccRecordFrom } from './pacc-digest';
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
      const answer = await service.directory.lookup({ domain: ascii, address: null });
      if (!answer.hosted)
        return {
          code: 1,
          message: `${NAME}: ${ascii} is not hosted by this service (no such domain in the account directory); add it there first`,
        };
      const pacc = await paccRecordFrom(baseUrl, ascii);
      // A domain on a platform of its own publishes that platform's mail hosts (docs/protocols.md §14).
      const lines = zoneRecords(configOnPlatform(config, answer.platform), {
        domain: ascii,
        defaultAccessType: answer.accessType,
        pacc,
      });
      if (answer.platform !== undefined) lines.splice(1, 0, `; mail servers of platform ${answer.platform.name}`);
      return { code: 0, message: lines.join('\n') };
    });
    return printed.ok ? printed.value : { code: 1, message: `${NAME}: ${printed.error.join('\n')}` };
  },
};
