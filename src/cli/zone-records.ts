import type { MailServer } from '../config/fields';
import type { AppConfig } from '../config/schema';
import type { AccessType } from '../model/access-type';
import { PACC_TXT_PREFIX } from './pacc-record';

/**
 * The zone-file lines a customer domain publishes so that clients find this service
 * (docs/protocols.md §2.4; README "DNS records each customer domain publishes"). Pure: the
 * configuration, the domain's default access type and the PACC record (or why there is none) in,
 * lines out. Names are absolute (trailing dot), so the lines can be pasted into any zone.
 */
export interface ZoneInput {
  /** ASCII, lower case. */
  readonly domain: string;
  readonly defaultAccessType: AccessType;
  /** The `_ua-auto-config` TXT line as pacc digest prints it, or why the domain has no document. */
  readonly pacc: { readonly ok: true; readonly record: string } | { readonly ok: false; readonly reason: string };
}

/** A target of "." says the service is not offered (RFC 2782; docs/protocols.md §2.4). */
const NOT_OFFERED = '0 0 0 .';

const srv = (name: string, domain: string, rdata: string): string => `${name}.${domain}. IN SRV ${rdata}`;
const target = (priority: number, server: MailServer): string => `${priority} 1 ${server.port} ${server.host}.`;

/** The service's own host and port, from autodiscover.publicUrl: where every name points. */
export function serviceEndpoint(config: AppConfig): { readonly host: string; readonly port: number } {
  const url = new URL(config.autodiscover.publicUrl);
  return { host: url.hostname, port: url.port === '' ? 443 : Number(url.port) };
}

/**
 * RFC 6186 / RFC 8314 records for submission: implicit TLS servers under `_submissions._tcp`
 * (preferred, RFC 8314 §5.1), STARTTLS ones under `_submission._tcp`, each in the configured order;
 * a kind with no server is "not offered" (docs/protocols.md §2.4).
 */
function submissionRecords(domain: string, servers: readonly MailServer[]): string[] {
  const tls = servers.filter((server) => server.socket === 'tls');
  const starttls = servers.filter((server) => server.socket === 'starttls');
  return [
    ...(tls.length === 0
      ? [srv('_submissions._tcp', domain, NOT_OFFERED)]
      : tls.map((s, i) => srv('_submissions._tcp', domain, target(i, s)))),
    ...(starttls.length === 0
      ? [srv('_submission._tcp', domain, NOT_OFFERED)]
      : starttls.map((s, i) => srv('_submission._tcp', domain, target(5 + i, s)))),
  ];
}

/**
 * RFC 6186 records for IMAP and POP3: `_imaps`/`_pop3s` for implicit TLS, `_imap`/`_pop3` for
 * STARTTLS (and then `_imaps`/`_pop3s` not offered). The preferred protocol gets priority 0, the
 * other 10: SRV priorities may order IMAP against POP3 (docs/protocols.md §2.4).
 */
function incomingRecords(domain: string, config: AppConfig['popAccess']): string[] {
  return (['imap', 'pop3'] as const).flatMap((protocol) => {
    const server = config[protocol];
    const priority = config.preferredIncoming === protocol ? 0 : 10;
    if (server.socket === 'tls') return [srv(`_${protocol}s._tcp`, domain, target(priority, server))];
    return [srv(`_${protocol}s._tcp`, domain, NOT_OFFERED), srv(`_${protocol}._tcp`, domain, target(priority, server))];
  });
}

export function zoneRecords(config: AppConfig, input: ZoneInput): string[] {
  const { domain } = input;
  const service = serviceEndpoint(config);
  const business = input.defaultAccessType === 'business';
  const lines = [
    `; ${domain}: ${business ? 'Business Mail (Exchange)' : 'POP access'} by default; every name points at ${service.host}`,
    `autoconfig.${domain}. IN CNAME ${service.host}.`,
    `autodiscover.${domain}. IN CNAME ${service.host}.`,
    srv('_autodiscover._tcp', domain, `0 0 ${service.port} ${service.host}.`),
  ];
  if (business) {
    lines.push(
      "; IMAP and POP3 of Business Mail are the Exchange platform's, not in this service's configuration:",
      '; publish _imaps._tcp / _pop3s._tcp from the platform, if it offers them',
      ...submissionRecords(domain, config.businessMail.smtp),
    );
  } else {
    lines.push(...incomingRecords(domain, config.popAccess), ...submissionRecords(domain, config.popAccess.smtp));
  }
  if (input.pacc.ok) {
    lines.push(`ua-auto-config.${domain}. IN CNAME ${service.host}.`, input.pacc.record);
  } else {
    lines.push(
      `; no PACC: ${input.pacc.reason}`,
      `; so publish neither ua-auto-config.${domain} nor ${PACC_TXT_PREFIX}${domain}`,
    );
  }
  return lines;
}
