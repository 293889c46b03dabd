/**
 * selfcheck's findings: one row per DNS record, client request and TLS host, each pass, fail (with
 * the fix) or skip (with why it does not count), printed as a table or as JSON for monitoring.
 */
export type CheckStatus = 'pass' | 'fail' | 'skip';

export type CheckSection = 'dns' | 'request' | 'pacc' | 'tls';

export interface CheckRow {
  readonly section: CheckSection;
  /** What was checked: a record (`autoconfig.example.com CNAME`), a request (`GET https://…`), a host (`autoconfig.example.com:443`). */
  readonly check: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** With status fail: what to change. */
  readonly fix?: string;
  /** For a request: the clients that send it, with its place in each client's order (`Outlook 2`). */
  readonly askedBy?: readonly string[];
}

export interface SelfcheckReport {
  readonly domain: string;
  readonly address: string;
  /** The service's host and port from autodiscover.publicUrl: where the names should lead. */
  readonly service: { readonly host: string; readonly port: number };
  readonly ok: boolean;
  readonly counts: Readonly<Record<CheckStatus, number>>;
  readonly checks: readonly CheckRow[];
}

const SECTION_TITLES: Readonly<Record<CheckSection, string>> = {
  dns: 'DNS records (as `dns` prints them)',
  request: 'Requests, as each client sends them (client and place in its order)',
  pacc: 'PACC',
  tls: 'TLS certificates',
};

export function buildReport(
  head: Pick<SelfcheckReport, 'domain' | 'address' | 'service'>,
  checks: readonly CheckRow[],
): SelfcheckReport {
  const counts = { pass: 0, fail: 0, skip: 0 };
  for (const row of checks) counts[row.status]++;
  return { ...head, ok: counts.fail === 0, counts, checks };
}

/**
 * Text from the wire (a server's body in a detail) shown on a terminal: control characters written
 * as escapes, so that no answer can move the cursor or recolour the report. JSON escapes them itself.
 */
const printable = (text: string): string =>
  text.replace(/\p{Cc}/gu, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);

const MARKS: Readonly<Record<CheckStatus, string>> = { pass: 'pass', fail: 'FAIL', skip: 'skip' };

export function renderReport(report: SelfcheckReport): string {
  const lines = [
    `selfcheck ${report.domain}: as ${report.address}; the service is ${report.service.host}:${report.service.port}`,
  ];
  for (const section of Object.keys(SECTION_TITLES) as CheckSection[]) {
    const rows = report.checks.filter((row) => row.section === section);
    if (rows.length === 0) continue;
    lines.push('', SECTION_TITLES[section]);
    for (const row of rows) {
      const askedBy = row.askedBy === undefined ? '' : `  [${row.askedBy.join(', ')}]`;
      lines.push(`  ${MARKS[row.status]}  ${printable(row.check)}${askedBy}`, `        ${printable(row.detail)}`);
      if (row.fix !== undefined) lines.push(`        fix: ${printable(row.fix)}`);
    }
  }
  const { pass, fail, skip } = report.counts;
  lines.push('', `${report.ok ? 'OK' : 'FAILED'}: ${pass} pass, ${fail} fail, ${skip} skip`);
  return lines.join('\n');
}
