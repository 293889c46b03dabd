/**
 * `mail-autodiscover selfcheck <domain>`, run as a process (tsx) against a deployment on loopback
 * with no network mocked: a DNS server of the test's own over UDP (dns-packet) serving the records
 * `dns` prints, and the real app on the real listeners (src/http/listeners.ts), plain HTTP and HTTPS
 * with certificates a test CA issues (node-forge). Real host names reach the listeners through
 * DNS (every name's address is 127.0.0.1) and --connect-to for the ports, as curl's.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { runTool as runInProcess } from '../../src/cli/main';
import type { AppConfig } from '../../src/config/schema';
import { createListeners } from '../../src/http/listeners';
import { exampleApp, exampleConfig, REPO_ROOT } from '../support/app';
import { runTool } from '../support/cli';
import { recordsFromZoneLines, TestDnsServer, type TestRecord } from '../support/test-dns-server';
import { issueServerCertificate, makeTestCa, type IssuedPair, type TestCa } from '../support/test-pki';

const DAY_MS = 86_400_000;
const SERVICE_HOST = 'autodiscover.mamutmail.com';
/** Every name a correct deployment has a certificate for: the service's, the provider's autoconfig host, the customer's three. */
const ALL_NAMES = [
  SERVICE_HOST,
  'autoconfig.mamutmail.com',
  'autoconfig.example.com',
  'autodiscover.example.com',
  'ua-auto-config.example.com',
];

interface Deployment {
  readonly httpPort: number;
  readonly httpsPort: number;
  close(): Promise<void>;
}

/** The app on the listeners main.ts uses: plain HTTP and HTTPS (the pair for every name), on loopback ports. */
async function deploy(app: Express, config: AppConfig, pair: IssuedPair): Promise<Deployment> {
  const withHttps: AppConfig = {
    ...config,
    server: { ...config.server, https: { port: 8443, certFile: 'cert.pem', keyFile: 'key.pem', rescanSeconds: 60 } },
  };
  const listeners = createListeners(app, withHttps, {
    defaultPair: { cert: Buffer.from(pair.cert), key: Buffer.from(pair.key) },
    certificateDirectory: null,
  });
  const ports = await Promise.all(
    listeners.map(
      ({ server }) =>
        new Promise<number>((resolve) =>
          server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
        ),
    ),
  );
  return {
    httpPort: ports[0] ?? 0,
    httpsPort: ports[1] ?? 0,
    close: () =>
      Promise.all(listeners.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve())))).then(
        () => undefined,
      ),
  };
}

/** The example app as the CLI's configuration describes it: the port-80 Autodiscover redirect on. */
const redirecting = (config: AppConfig): AppConfig => ({
  ...config,
  server: { ...config.server, redirectPlainHttpAutodiscover: true },
});

let folder: string;
let configFile: string;
let caFile: string;
let ca: TestCa;
let dns: TestDnsServer;
let zoneLines: string[];
let goodPair: IssuedPair;

/** What a correct deployment publishes: `dns`'s lines, the service host's address, the MX on the provider. */
function correctZone(): TestRecord[] {
  return [
    ...recordsFromZoneLines(zoneLines),
    { name: SERVICE_HOST, type: 'A', data: '127.0.0.1' },
    { name: 'autoconfig.mamutmail.com', type: 'CNAME', data: SERVICE_HOST },
    { name: 'example.com', type: 'MX', data: { preference: 10, exchange: 'mx.mamutmail.com' } },
    { name: 'mx.mamutmail.com', type: 'A', data: '127.0.0.2' },
  ];
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function selfcheck(
  options: { app?: Express; pair?: IssuedPair; records?: TestRecord[]; args?: string[]; domain?: string } = {},
): Promise<Run> {
  dns.setRecords(options.records ?? correctZone());
  const deployment = await deploy(
    options.app ?? exampleApp({ config: redirecting }),
    exampleConfig().config,
    options.pair ?? goodPair,
  );
  try {
    return await runTool(
      [
        'selfcheck',
        options.domain ?? 'example.com',
        '--dns-server',
        dns.address,
        '--ca',
        caFile,
        '--connect-to',
        `:443::${deployment.httpsPort}`,
        '--connect-to',
        `:80::${deployment.httpPort}`,
        '--timeout',
        '3000',
        ...(options.args ?? []),
      ],
      { CONFIG_FILE: configFile },
    );
  } finally {
    await deployment.close();
  }
}

interface JsonRow {
  section: string;
  check: string;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
  fix?: string;
  askedBy?: string[];
}
interface JsonReport {
  domain: string;
  address: string;
  service: { host: string; port: number };
  ok: boolean;
  counts: { pass: number; fail: number; skip: number };
  checks: JsonRow[];
}

const report = (run: Run): JsonReport => JSON.parse(run.stdout) as JsonReport;
const failed = (parsed: JsonReport): JsonRow[] => parsed.checks.filter((row) => row.status === 'fail');
const rowOf = (parsed: JsonReport, check: string): JsonRow | undefined =>
  parsed.checks.find((row) => row.check === check);

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'selfcheck-'));
  const example = JSON.parse(readFileSync(path.join(REPO_ROOT, 'config/default.json'), 'utf8')) as Record<
    string,
    unknown
  > & { server: Record<string, unknown> };
  configFile = path.join(folder, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      ...example,
      server: { ...example.server, redirectPlainHttpAutodiscover: true },
      directory: { type: 'file', file: path.join(REPO_ROOT, 'config/accounts.json'), watch: false },
    }),
  );
  ca = makeTestCa();
  caFile = path.join(folder, 'ca.pem');
  writeFileSync(caFile, ca.certPem);
  goodPair = issueServerCertificate(ca, ALL_NAMES, new Date(Date.now() + 90 * DAY_MS));
  const printed = await runInProcess(['dns', 'example.com'], { CONFIG_FILE: configFile });
  if (printed.code !== 0) throw new Error(printed.message);
  zoneLines = printed.message.split('\n');
  dns = await TestDnsServer.start([]);
});

afterAll(async () => {
  await dns.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('a correctly set up domain', () => {
  test('every check passes or is skipped › exit 0, the table on stdout', async () => {
    const run = await selfcheck();
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toContain('FAIL ');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^OK: \d+ pass, 0 fail, \d+ skip$/m);
    expect(run.stdout).toContain('  pass  autoconfig.example.com CNAME\n        CNAME autodiscover.mamutmail.com');
    expect(run.stdout).toContain(
      '  pass  POST https://autodiscover.example.com/autodiscover/autodiscover.xml  [Outlook 2, Thunderbird Exchange 1]',
    );
  });

  test('--json › the report as JSON: each client, its order, the redirect followed, PACC, certificates', async () => {
    const run = await selfcheck({ args: ['--json', '--address', 'pop.user@example.com'] });
    expect(run.code).toBe(0);
    const parsed = report(run);
    expect(parsed).toMatchObject({
      domain: 'example.com',
      address: 'pop.user@example.com',
      service: { host: SERVICE_HOST, port: 443 },
      ok: true,
      counts: { fail: 0 },
    });
    expect(parsed.counts.pass + parsed.counts.skip).toBe(parsed.checks.length);
    for (const row of parsed.checks) {
      expect(['dns', 'request', 'pacc', 'tls']).toContain(row.section);
      expect(typeof row.detail).toBe('string');
    }
    expect(failed(parsed)).toEqual([]);
    // Outlook's order: the domain itself (nothing there: skipped), autodiscover.<domain>, the port-80 probe, SRV.
    const outlook = parsed.checks.filter((row) => row.askedBy?.some((client) => /^Outlook \d$/.test(client)));
    expect(outlook.map((row) => [row.check, row.status])).toEqual([
      ['POST https://example.com/autodiscover/autodiscover.xml', 'skip'],
      ['POST https://autodiscover.example.com/autodiscover/autodiscover.xml', 'pass'],
      ['GET http://autodiscover.example.com/autodiscover/autodiscover.xml', 'pass'],
      [`POST https://${SERVICE_HOST}/autodiscover/autodiscover.xml`, 'pass'],
    ]);
    expect(rowOf(parsed, 'GET http://autodiscover.example.com/autodiscover/autodiscover.xml')?.detail).toMatch(
      new RegExp(`^HTTP 302 to https://${SERVICE_HOST}/autodiscover/autodiscover.xml, then: IMAP mamutmail.com:993`),
    );
    // Thunderbird sends the address, Android does not; both reach the provider's host through MX.
    expect(
      rowOf(parsed, 'GET https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=pop.user%40example.com'),
    ).toMatchObject({ status: 'pass', askedBy: ['Thunderbird 1'] });
    expect(rowOf(parsed, 'GET https://autoconfig.example.com/mail/config-v1.1.xml')).toMatchObject({
      status: 'pass',
      askedBy: ['Thunderbird for Android 1'],
    });
    expect(rowOf(parsed, 'GET https://autoconfig.mamutmail.com/mail/config-v1.1.xml')).toMatchObject({
      status: 'pass',
      askedBy: ['Thunderbird for Android MX step 1'],
    });
    expect(rowOf(parsed, '_ua-auto-config.example.com TXT against the document served')?.status).toBe('pass');
    expect(rowOf(parsed, 'autoconfig.example.com:443')).toMatchObject({ section: 'tls', status: 'pass' });
    expect(rowOf(parsed, 'autoconfig.example.com:443')?.detail).toContain('issued by selfcheck test root');
  });
});

test('a Business Mail domain › no PACC (skipped with the service’s reason), everything else passes', async () => {
  const printed = await runInProcess(['dns', 'example.org'], { CONFIG_FILE: configFile });
  const names = ['autoconfig.example.org', 'autodiscover.example.org', SERVICE_HOST, 'autoconfig.mamutmail.com'];
  const records: TestRecord[] = [
    ...recordsFromZoneLines(printed.message.split('\n')),
    { name: SERVICE_HOST, type: 'A', data: '127.0.0.1' },
  ];
  const run = await selfcheck({
    records,
    pair: issueServerCertificate(ca, names, new Date(Date.now() + 90 * DAY_MS)),
    args: ['--json'],
    domain: 'example.org',
  });
  const parsed = report(run);
  expect(failed(parsed)).toEqual([]);
  expect(run.code).toBe(0);
  expect(parsed.checks.find((row) => row.section === 'pacc')).toMatchObject({
    status: 'skip',
    detail: expect.stringContaining('no PACC for example.org: HTTP 404') as string,
  });
  expect(rowOf(parsed, 'GET https://autoconfig.example.org/mail/config-v1.1.xml')?.detail).toMatch(
    /^ews mamutmail\.com:443/,
  );
  expect(rowOf(parsed, 'example.org MX, for the MX steps')).toMatchObject({ status: 'skip' });
});

describe('what fails › exit 1, the report on stdout, each failure with its fix', () => {
  test('a missing SRV record and a CNAME to another host', async () => {
    const records: TestRecord[] = [
      ...correctZone().filter(
        (record) =>
          !(record.type === 'SRV' && record.name === '_autodiscover._tcp.example.com') &&
          record.name !== 'autoconfig.example.com',
      ),
      { name: 'autoconfig.example.com', type: 'CNAME', data: 'webhost.example.net' },
      { name: 'webhost.example.net', type: 'A', data: '127.0.0.4' },
    ];
    const run = await selfcheck({ records, args: ['--json'] });
    expect(run.code).toBe(1);
    const parsed = report(run);
    expect(rowOf(parsed, '_autodiscover._tcp.example.com SRV')).toMatchObject({
      status: 'fail',
      fix: `publish _autodiscover._tcp.example.com. IN SRV 0 0 443 ${SERVICE_HOST}.`,
    });
    expect(rowOf(parsed, 'autoconfig.example.com CNAME')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('CNAME webhost.example.net, addresses 127.0.0.4, not those of') as string,
      fix: `replace the record with autoconfig.example.com. IN CNAME ${SERVICE_HOST}.`,
    });
    expect(rowOf(parsed, 'GET https://autoconfig.example.com/mail/config-v1.1.xml')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^connection refused by 127\.0\.0\.4:\d+$/) as string,
    });
    expect(parsed.checks.some((row) => row.askedBy?.includes('Outlook 4') === true)).toBe(false);
  });

  test('a certificate that does not name a host', async () => {
    const pair = issueServerCertificate(
      ca,
      ALL_NAMES.filter((name) => name !== 'autoconfig.example.com'),
      new Date(Date.now() + 90 * DAY_MS),
    );
    const run = await selfcheck({ pair });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      / {2}FAIL {2}autoconfig\.example\.com:443\n {8}does not name autoconfig\.example\.com: /,
    );
    expect(run.stdout).toContain('fix: serve a certificate naming autoconfig.example.com');
    expect(run.stdout).toMatch(
      /FAIL {2}GET https:\/\/autoconfig\.example\.com\/mail\/config-v1\.1\.xml {2}\[Thunderbird for Android 1\]\n {8}the answer is this service's, but a client refuses the certificate/,
    );
    expect(run.stdout).toMatch(/^FAILED: \d+ pass, [1-9]\d* fail, \d+ skip$/m);
  });

  test('a certificate about to expire › its hosts fail, the answers still pass', async () => {
    const pair = issueServerCertificate(ca, ALL_NAMES, new Date(Date.now() + 3 * DAY_MS));
    const parsed = report(await selfcheck({ pair, args: ['--json', '--expiry-days', '14'] }));
    expect(parsed.ok).toBe(false);
    const tlsRows = parsed.checks.filter((row) => row.section === 'tls');
    expect(tlsRows.length).toBeGreaterThan(0);
    for (const row of tlsRows) {
      expect(row.status).toBe('fail');
      expect(row.detail).toMatch(/^expires within 14 days: .*\(2 days\)$/);
    }
    expect(failed(parsed).every((row) => row.section === 'tls')).toBe(true);
  });

  test('a deployment with another configuration › answers differ, the port-80 redirect is missing, the PACC digest does not match', async () => {
    const app = exampleApp({
      config: (config) => ({
        ...config,
        popAccess: { ...config.popAccess, imap: { ...config.popAccess.imap, host: 'imap.elsewhere.example' } },
      }),
    });
    const parsed = report(await selfcheck({ app, args: ['--json'] }));
    expect(parsed.ok).toBe(false);
    const autoconfig = rowOf(parsed, 'GET https://autoconfig.example.com/mail/config-v1.1.xml');
    expect(autoconfig).toMatchObject({ status: 'fail' });
    expect(autoconfig?.detail).toMatch(
      /^answered imap imap\.elsewhere\.example:993 SSL.*; this service answers imap mamutmail\.com:993 SSL/,
    );
    expect(autoconfig?.fix).toContain(`point it at ${SERVICE_HOST}`);
    const probe = rowOf(parsed, 'GET http://autodiscover.example.com/autodiscover/autodiscover.xml');
    expect(probe?.status).toBe('fail');
    expect(probe?.detail).toContain('this service answers HTTP 302');
    expect(rowOf(parsed, '_ua-auto-config.example.com TXT against the document served')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/^publish _ua-auto-config\.example\.com\. IN TXT "v=UAAC1; a=sha256; d=/) as string,
    });
    // The certificates are right: only the answers fail.
    expect(parsed.checks.filter((row) => row.section === 'tls').every((row) => row.status === 'pass')).toBe(true);
  });
});

describe('usage and refusals', () => {
  test.each([
    ['no domain', [], 'give exactly one domain'],
    ['an address in another domain', ['example.com', '--address', 'jane@example.org'], 'is not in example.com'],
    [
      'a bad --connect-to',
      ['example.com', '--connect-to', 'example.com:443'],
      '--connect-to must be HOST1:PORT1:HOST2:PORT2',
    ],
    ['a bad --dns-server', ['example.com', '--dns-server', 'dns.example.com'], '--dns-server must be an IP address'],
    ['a bad --timeout', ['example.com', '--timeout', 'soon'], '--timeout must be milliseconds'],
    ['an unreadable --ca', ['example.com', '--ca', '/nonexistent/ca.pem'], '--ca /nonexistent/ca.pem: cannot read it'],
  ])('%s › exit 2', async (_label, args, problem) => {
    const run = await runInProcess(['selfcheck', ...args], { CONFIG_FILE: configFile });
    expect(run.code).toBe(2);
    expect(run.message).toContain(problem);
    expect(run.message).toContain('Usage: mail-autodiscover selfcheck <domain>');
  });

  test('a domain that is not hosted › exit 1, the reason on stderr', async () => {
    const run = await runTool(['selfcheck', 'not-hosted.example', '--dns-server', dns.address], {
      CONFIG_FILE: configFile,
    });
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toContain('not-hosted.example is not hosted by this service');
  });
});

test('a domain on a platform of its own (mail2.example) › its hosts’ SRV records and PACC digest pass; the provider-wide ones fail', async () => {
  const printed = await runInProcess(['dns', 'mail2.example'], { CONFIG_FILE: configFile });
  const names = [
    'autoconfig.mail2.example',
    'autodiscover.mail2.example',
    'ua-auto-config.mail2.example',
    SERVICE_HOST,
    'autoconfig.mamutmail.com',
  ];
  const pair = issueServerCertificate(ca, names, new Date(Date.now() + 90 * DAY_MS));
  const published: TestRecord[] = [
    ...recordsFromZoneLines(printed.message.split('\n')),
    { name: SERVICE_HOST, type: 'A', data: '127.0.0.1' },
  ];
  const run = await selfcheck({ records: published, pair, args: ['--json'], domain: 'mail2.example' });
  const parsed = report(run);
  expect(failed(parsed)).toEqual([]);
  expect(run.code).toBe(0);
  expect(rowOf(parsed, '_imaps._tcp.mail2.example SRV')).toMatchObject({ status: 'pass' });

  // The provider-wide IMAP host published instead of the platform's: that record fails.
  const providerWide = published.map((record) =>
    record.type === 'SRV' && record.name === '_imaps._tcp.mail2.example'
      ? { ...record, data: { priority: 0, weight: 1, port: 993, target: 'mamutmail.com' } }
      : record,
  );
  const wrong = report(await selfcheck({ records: providerWide, pair, args: ['--json'], domain: 'mail2.example' }));
  expect(rowOf(wrong, '_imaps._tcp.mail2.example SRV')).toMatchObject({
    status: 'fail',
    fix: 'publish exactly _imaps._tcp.mail2.example. IN SRV 0 1 993 imap.mail2.example.net.',
  });
});
