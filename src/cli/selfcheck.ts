import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { getDomain } from 'tldts';
import { loadConfig } from '../config/load';
import { ADDRESS_ERROR_MESSAGES, parseDomainName, parseEmailAddress } from '../model/email-address';
import { isOutcome, parseCommandLine, usageError, type CliCommand } from './command-line';
import { withServiceOnLoopback } from './loopback';
import { listProblems, type Outcome } from './outcome';
import { publishedZone } from './dns';
import { PACC_TXT_PREFIX, paccTxtValue } from './pacc-record';
import { checkRecords, expectedRecords, hostOf } from './selfcheck-dns';
import { certificateFix, evaluate, type EvaluationContext, type Evaluation } from './selfcheck-evaluate';
import {
  createNetwork,
  describeDnsError,
  isNoRecord,
  parseConnectTo,
  parseDnsServer,
  type ConnectTo,
  type Network,
  type NetworkOptions,
  type TlsSeen,
} from './selfcheck-network';
import { buildReport, renderReport, type CheckRow } from './selfcheck-report';
import { plannedRequests } from './selfcheck-requests';
import { serviceEndpoint } from './zone-records';

const NAME = 'selfcheck';

const USAGE = `Usage: mail-autodiscover selfcheck <domain> [--json] [--address ADDRESS] [--dns-server IP[:PORT]]
         [--timeout MS] [--expiry-days N] [--ca PEM_FILE]... [--connect-to HOST1:PORT1:HOST2:PORT2]...
  mail-autodiscover selfcheck example.com
  mail-autodiscover selfcheck example.com --json --address jane@example.com
  CONFIG_FILE=config/production.yaml mail-autodiscover selfcheck example.com
  (from a checkout: npm run cli -- selfcheck example.com)
Checks a customer domain from the outside, as its mail clients find the service: looks up the
records dns <domain> prints and whether they lead to the host of autodiscover.publicUrl; sends
every discovery request Outlook, Thunderbird, Thunderbird for Android (its MX step included) and
PACC clients send, in each client's order, to the deployed service; checks each HTTPS host's
certificate (names the host, trusted, not expiring within --expiry-days); and compares every answer
with the one the service built in this process from the same configuration (CONFIG_FILE) gives,
byte for byte, and the PACC document with its _ua-auto-config TXT digest. Prints a table: pass,
FAIL with the fix, or skip with why it does not count (the domain's own web site may answer nothing).
Options:
  --json                 the report as JSON (for monitoring): ok, counts, checks[] with section,
                         check, status, detail, fix, askedBy
  --address ADDRESS      the address the requests carry (default selfcheck@<domain>)
  --dns-server IP[:PORT] ask this DNS server instead of the system's
  --timeout MS           for each request and DNS query (default 5000, as Thunderbird)
  --expiry-days N        a certificate expiring within N days fails (default 14)
  --ca PEM_FILE          also trust these CA certificates (repeatable)
  --connect-to H1:P1:H2:P2  as curl: connect to H2:P2 for requests to H1:P1 (empty: any, or the
                         same); repeatable, the first match wins
  -h/--help
Exit codes: 0 every check passed or was skipped, 1 a check failed (the report is on stdout), the
domain is not hosted or the configuration is invalid, 2 usage.`;

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_EXPIRY_DAYS = 14;
const DAY_MS = 86_400_000;

interface Settings {
  readonly domain: string;
  readonly address: string;
  readonly json: boolean;
  readonly expiryDays: number;
  readonly network: NetworkOptions;
}

function wholeNumber(text: string | undefined, fallback: number, min: number, max: number): number | null {
  if (text === undefined) return fallback;
  const value = Number(text);
  return /^\d+$/.test(text) && value >= min && value <= max ? value : null;
}

/** The options read and checked, or the usage error. */
function readSettings(command: CliCommand, args: string[]): Settings | Outcome {
  const parsed = parseCommandLine(
    command,
    args,
    {
      json: { type: 'boolean' },
      address: { type: 'string' },
      'dns-server': { type: 'string' },
      timeout: { type: 'string' },
      'expiry-days': { type: 'string' },
      ca: { type: 'string', multiple: true },
      'connect-to': { type: 'string', multiple: true },
    },
    { min: 1, max: 1, what: 'exactly one domain' },
  );
  if (isOutcome(parsed)) return parsed;
  const { values } = parsed;
  const domainText = parsed.positionals[0] ?? '';
  const domain = parseDomainName(domainText);
  if (!domain.ok)
    return usageError(command, `${JSON.stringify(domainText)} is not a domain name such as "example.com"`);
  const ascii = domain.value.ascii;
  const addressText = values.address ?? `selfcheck@${ascii}`;
  const address = parseEmailAddress(addressText);
  if (!address.ok)
    return usageError(command, `--address ${JSON.stringify(addressText)}: ${ADDRESS_ERROR_MESSAGES[address.error]}`);
  if (address.value.domain !== ascii)
    return usageError(command, `--address ${JSON.stringify(addressText)} is not in ${ascii}: clients ask its domain`);
  const timeoutMs = wholeNumber(values.timeout, DEFAULT_TIMEOUT_MS, 100, 120_000);
  if (timeoutMs === null) return usageError(command, '--timeout must be milliseconds from 100 to 120000');
  const expiryDays = wholeNumber(values['expiry-days'], DEFAULT_EXPIRY_DAYS, 0, 3650);
  if (expiryDays === null) return usageError(command, '--expiry-days must be a whole number of days from 0 to 3650');
  const dnsServerText = values['dns-server'];
  const dnsServer = dnsServerText === undefined ? null : parseDnsServer(dnsServerText);
  if (dnsServerText !== undefined && dnsServer === null)
    return usageError(
      command,
      `--dns-server must be an IP address with an optional port, such as "127.0.0.1:5353", got ${JSON.stringify(dnsServerText)}`,
    );
  const connectTo: ConnectTo[] = [];
  for (const text of values['connect-to'] ?? []) {
    const rule = parseConnectTo(text);
    if (rule === null)
      return usageError(
        command,
        `--connect-to must be HOST1:PORT1:HOST2:PORT2 (parts may be empty), got ${JSON.stringify(text)}`,
      );
    connectTo.push(rule);
  }
  const extraCa: string[] = [];
  for (const file of values.ca ?? []) {
    let pem: string;
    try {
      pem = readFileSync(file, 'utf8');
    } catch (error) {
      return usageError(command, `--ca ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----'))
      return usageError(command, `--ca ${file}: no PEM certificate in it`);
    extraCa.push(pem);
  }
  return {
    domain: ascii,
    address: address.value.address,
    json: values.json === true,
    expiryDays,
    network: { dnsServer, connectTo, timeoutMs, extraCa },
  };
}

/** The app once more on loopback, as plain HTTP: what port 80 gets (loopback.ts marks its own connections TLS). */
async function withPlainLoopback<T>(app: Express, use: (baseUrl: string) => Promise<T>): Promise<T> {
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.close();
  }
}

/**
 * The SRV target Outlook and Thunderbird use: the best record on port 443 (the EWS Managed API keeps
 * only those, Thunderbird builds an https:// URL without the port) [EWS MA AutodiscoverDnsClient].
 */
async function autodiscoverSrvTarget(
  network: Network,
  domain: string,
): Promise<{ target: string | null; row?: CheckRow }> {
  const check = `_autodiscover._tcp.${domain} SRV, as Outlook and Thunderbird read it`;
  let records;
  try {
    records = await network.resolver.resolveSrv(`_autodiscover._tcp.${domain}`);
  } catch (error) {
    return {
      target: null,
      row: {
        section: 'request',
        check,
        status: 'skip',
        detail: `${describeDnsError(error)}: no SRV step (see DNS records)`,
      },
    };
  }
  const usable = records.filter((record) => record.port === 443 && hostOf(record.name) !== '');
  const best = usable.sort((a, b) => a.priority - b.priority)[0];
  if (best !== undefined) return { target: hostOf(best.name) };
  return {
    target: null,
    row: {
      section: 'request',
      check,
      status: 'fail',
      detail: 'no record on port 443: clients use no other',
      fix: 'publish the _autodiscover._tcp record of the DNS section, on port 443',
    },
  };
}

/**
 * The MX step's domains [TB FetchConfig fetchConfigForMX; TfA MxLookupAutoconfigDiscovery]: the most
 * preferred MX host, less its first label (when that is not its base domain), then its base domain
 * (public suffix list, private names included, as both clients' libraries read it); none when the
 * base domain is the user's own.
 */
async function mxDomains(network: Network, domain: string): Promise<{ domains: string[]; row?: CheckRow }> {
  const check = `${domain} MX, for the MX steps`;
  let records;
  try {
    records = await network.resolver.resolveMx(domain);
  } catch (error) {
    return {
      domains: [],
      row: { section: 'request', check, status: 'skip', detail: `${describeDnsError(error)}: no MX step` },
    };
  }
  const host = hostOf(records.sort((a, b) => a.priority - b.priority)[0]?.exchange ?? '');
  const base = getDomain(host, { allowPrivateDomains: true });
  if (host === '' || base === null)
    return { domains: [], row: { section: 'request', check, status: 'skip', detail: 'no usable MX host: no MX step' } };
  if (base === domain)
    return {
      domains: [],
      row: {
        section: 'request',
        check,
        status: 'skip',
        detail: `MX ${host} is in ${domain} itself: the clients skip the MX step`,
      },
    };
  const sub = host.split('.').slice(1).join('.');
  return { domains: sub !== base && sub.endsWith(`.${base}`) ? [sub, base] : [base] };
}

/** One row per HTTPS host seen: names the host, chain trusted, not expiring within the window. */
function certificateRows(seen: readonly TlsSeen[], expiryDays: number, now: number): CheckRow[] {
  const byHost = new Map<string, TlsSeen>();
  for (const certificate of seen) {
    const key = `${certificate.host}:${certificate.port}`;
    if (!byHost.has(key)) byHost.set(key, certificate);
  }
  return [...byHost.entries()].map(([check, certificate]): CheckRow => {
    const daysLeft = Math.floor((certificate.validTo.getTime() - now) / DAY_MS);
    const until = `valid until ${certificate.validTo.toISOString().slice(0, 10)} (${daysLeft} days)`;
    const names = `names ${certificate.subjectAltName}; issued by ${certificate.issuer}; ${until}`;
    const fail = (detail: string, fix: string): CheckRow => ({ section: 'tls', check, status: 'fail', detail, fix });
    if (certificate.nameProblem !== null)
      return fail(`does not name ${certificate.host}: ${names}`, certificateFix(certificate.host));
    if (certificate.chainProblem !== null)
      return fail(
        `not trusted (${certificate.chainProblem}): ${names}`,
        'serve the full chain of a public CA (to test a private CA, pass its root with --ca)',
      );
    if (daysLeft < expiryDays)
      return fail(
        `expires within ${expiryDays} days: ${names}`,
        'renew it: the ACME client (Caddy, certbot, cert-manager) has not, so read its log',
      );
    return { section: 'tls', check, status: 'pass', detail: names };
  });
}

/** PACC clients use the document only when a _ua-auto-config TXT value is the digest of its bytes (§10.4). */
async function paccDigestRow(
  network: Network,
  domain: string,
  document: Evaluation | undefined,
  record: string,
): Promise<CheckRow> {
  const name = `${PACC_TXT_PREFIX}${domain}`;
  const check = `${name} TXT against the document served`;
  const live = document?.live;
  if (live === null || live === undefined || live.status !== 200)
    return { section: 'pacc', check, status: 'skip', detail: 'no document was fetched (see the request above)' };
  const wanted = paccTxtValue(live.body);
  let found: string[] = [];
  try {
    found = (await network.resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
  } catch (error) {
    if (!isNoRecord(error))
      return {
        section: 'pacc',
        check,
        status: 'fail',
        detail: describeDnsError(error),
        fix: 'check that the domain’s DNS servers answer',
      };
  }
  if (found.includes(wanted)) return { section: 'pacc', check, status: 'pass', detail: `"${wanted}"` };
  return {
    section: 'pacc',
    check,
    status: 'fail',
    detail: `the document served digests to "${wanted}"; published: ${found.map((value) => `"${value}"`).join(', ') || 'nothing'}: PACC clients ignore the document`,
    fix: `publish ${record}`,
  };
}

export const selfcheckCommand: CliCommand = {
  name: NAME,
  summary: 'a customer domain from the outside: DNS, certificates and every client’s answers',
  usage: USAGE,
  async run(args, env): Promise<Outcome> {
    const settings = readSettings(this, args);
    if (isOutcome(settings)) return settings;
    const loaded = loadConfig(env);
    if (!loaded.ok) return listProblems(NAME, 'the configuration is invalid', loaded.error);
    const config = loaded.value.config;
    const { domain } = settings;
    const service = serviceEndpoint(config);
    const network = createNetwork(settings.network);
    const checked = await withServiceOnLoopback(loaded.value, async (built, httpsBaseUrl): Promise<Outcome> => {
      const published = await publishedZone(NAME, config, built, httpsBaseUrl, domain);
      if (isOutcome(published)) return published;
      const { lines: zone, pacc } = published;
      const rows = await withPlainLoopback(built.app, async (plainBaseUrl) => {
        const context: EvaluationContext = { network, httpsBaseUrl, plainBaseUrl, serviceHost: service.host };
        const [dnsRows, srv, mx] = await Promise.all([
          checkRecords(network.resolver, expectedRecords(zone)),
          autodiscoverSrvTarget(network, domain),
          mxDomains(network, domain),
        ]);
        const planned = plannedRequests({
          domain,
          address: settings.address,
          srvTarget: srv.target,
          mxDomains: mx.domains,
          pacc: pacc.ok,
        });
        const evaluations = await Promise.all(planned.map((request) => evaluate(context, request)));
        const paccIndex = planned.findIndex((request) => request.kind === 'pacc');
        const paccRows = pacc.ok
          ? [await paccDigestRow(network, domain, evaluations[paccIndex], pacc.record)]
          : [
              {
                section: 'pacc',
                check: `https://ua-auto-config.${domain}/`,
                status: 'skip',
                detail: `no PACC for ${domain}: ${pacc.reason}`,
              } as const,
            ];
        return [
          ...dnsRows,
          ...(srv.row === undefined ? [] : [srv.row]),
          ...(mx.row === undefined ? [] : [mx.row]),
          ...evaluations.map((evaluation) => evaluation.row),
          ...paccRows,
          ...certificateRows(
            evaluations.flatMap((evaluation) => evaluation.certificates),
            settings.expiryDays,
            Date.now(),
          ),
        ];
      });
      const report = buildReport({ domain, address: settings.address, service }, rows);
      return {
        code: report.ok ? 0 : 1,
        report: true,
        message: settings.json ? JSON.stringify(report, null, 2) : renderReport(report),
      };
    });
    return checked.ok ? checked.value : { code: 1, message: `${NAME}: ${checked.error.join('\n')}` };
  },
};
