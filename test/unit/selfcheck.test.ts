/**
 * selfcheck's pure parts (the command end to end: test/process/selfcheck.test.ts): --connect-to and
 * --dns-server as read, the zone lines read back, each client's requests in its order, the report;
 * and the DNS checks against the test's DNS server, for the records the process test does not publish.
 */
import { Resolver } from 'node:dns/promises';
import { AUTOCONFIG_PATHS } from '../../src/protocols/autoconfig/paths';
import { checkRecords, expectedRecords } from '../../src/cli/selfcheck-dns';
import { readsAs } from '../../src/cli/selfcheck-evaluate';
import { parseConnectTo, parseDnsServer, routeOf } from '../../src/cli/selfcheck-network';
import { buildReport, renderReport } from '../../src/cli/selfcheck-report';
import { plannedRequests, WELL_KNOWN_AUTOCONFIG_PATH } from '../../src/cli/selfcheck-requests';
import { zoneRecords } from '../../src/cli/zone-records';
import { exampleConfig } from '../support/app';
import { recordsFromZoneLines, TestDnsServer } from '../support/test-dns-server';

describe('--connect-to, as curl reads it', () => {
  test.each([
    [
      'autoconfig.example.com:443:127.0.0.1:8443',
      { fromHost: 'autoconfig.example.com', fromPort: 443, toHost: '127.0.0.1', toPort: 8443 },
    ],
    [':443::8443', { fromHost: '', fromPort: 443, toHost: '', toPort: 8443 }],
    ['[::1]:80:[::1]:8080', { fromHost: '::1', fromPort: 80, toHost: '::1', toPort: 8080 }],
    ['Example.COM::other.example:', { fromHost: 'example.com', fromPort: null, toHost: 'other.example', toPort: null }],
  ])('%s', (text, rule) => {
    expect(parseConnectTo(text)).toEqual(rule);
  });

  test.each(['example.com:443', 'a:443:b:99999', 'a:x:b:1', 'a:1:b:1:c'])('%s › refused', (text) => {
    expect(parseConnectTo(text)).toBeNull();
  });

  test('the first matching rule wins; empty parts mean any host or port, and the same host or port', () => {
    const rules = [
      { fromHost: 'autoconfig.example.com', fromPort: 443, toHost: '127.0.0.9', toPort: null },
      { fromHost: '', fromPort: 443, toHost: '', toPort: 8443 },
    ];
    expect(routeOf(rules, 'autoconfig.example.com', 443)).toEqual({ host: '127.0.0.9', port: 443 });
    expect(routeOf(rules, 'autodiscover.example.com', 443)).toEqual({ host: 'autodiscover.example.com', port: 8443 });
    expect(routeOf(rules, 'autodiscover.example.com', 80)).toEqual({ host: 'autodiscover.example.com', port: 80 });
  });
});

test.each([
  ['127.0.0.1', '127.0.0.1'],
  ['127.0.0.1:5353', '127.0.0.1:5353'],
  ['[::1]:53', '[::1]:53'],
  ['::1', '::1'],
  ['dns.example.com', null],
  ['127.0.0.1:99999', null],
  ['300.1.1.1', null],
])('--dns-server %s', (text, server) => {
  expect(parseDnsServer(text)).toBe(server);
});

const zone = (): string[] =>
  zoneRecords(exampleConfig().config, {
    domain: 'example.com',
    defaultAccessType: 'pop',
    pacc: { ok: true, record: '_ua-auto-config.example.com. IN TXT "v=UAAC1; a=sha256; d=abc="' },
  });

test('the records of the zone lines dns prints: one per name and type, comments skipped, TXT unquoted', () => {
  const records = expectedRecords(zone());
  expect(records.map((record) => `${record.name} ${record.type}`)).toEqual([
    'autoconfig.example.com CNAME',
    'autodiscover.example.com CNAME',
    '_autodiscover._tcp.example.com SRV',
    '_imaps._tcp.example.com SRV',
    '_pop3s._tcp.example.com SRV',
    '_submissions._tcp.example.com SRV',
    '_submission._tcp.example.com SRV',
    'ua-auto-config.example.com CNAME',
    '_ua-auto-config.example.com TXT',
  ]);
  expect(records.at(-1)?.values).toEqual(['v=UAAC1; a=sha256; d=abc=']);
});

describe('DNS checks against a DNS server', () => {
  let dns: TestDnsServer;
  let resolver: Resolver;
  beforeAll(async () => {
    dns = await TestDnsServer.start([]);
    resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([dns.address]);
  });
  afterAll(() => dns.close());

  test('"not offered" (0 0 0 .) found as printed; an apex-style A record with the service host’s address', async () => {
    const lines = [
      '_pop3s._tcp.example.com. IN SRV 0 0 0 .',
      '_pop3._tcp.example.com. IN SRV 10 1 110 mamutmail.com.',
      'autoconfig.example.com. IN CNAME autodiscover.mamutmail.com.',
    ];
    dns.setRecords([
      ...recordsFromZoneLines(lines.slice(0, 2)),
      // Weight is not compared: clients here order by priority only.
      {
        name: '_pop3._tcp.example.com',
        type: 'SRV',
        data: { priority: 10, weight: 5, port: 110, target: 'mamutmail.com' },
      },
      { name: 'autoconfig.example.com', type: 'A', data: '127.0.0.1' },
      { name: 'autodiscover.mamutmail.com', type: 'A', data: '127.0.0.1' },
    ]);
    const rows = await checkRecords(resolver, expectedRecords(lines));
    expect(rows.map((row) => [row.check, row.status])).toEqual([
      ['_pop3s._tcp.example.com SRV', 'pass'],
      ['_pop3._tcp.example.com SRV', 'fail'],
      ['autoconfig.example.com CNAME', 'pass'],
    ]);
    expect(rows[2]?.detail).toBe(
      'addresses 127.0.0.1: the addresses of autodiscover.mamutmail.com (a CNAME to it would follow the service if it moves)',
    );
  });

  test('a TXT record with another digest › fail, the record to publish', async () => {
    const lines = ['_ua-auto-config.example.com. IN TXT "v=UAAC1; a=sha256; d=new="'];
    dns.setRecords([{ name: '_ua-auto-config.example.com', type: 'TXT', data: 'v=UAAC1; a=sha256; d=old=' }]);
    const [row] = await checkRecords(resolver, expectedRecords(lines));
    expect(row).toMatchObject({ status: 'fail', detail: 'found "v=UAAC1; a=sha256; d=old="' });
    expect(row?.fix).toContain(lines[0]);
  });
});

describe('the requests, as each client sends them', () => {
  const planned = plannedRequests({
    domain: 'example.com',
    address: 'jane@example.com',
    srvTarget: 'autodiscover.mamutmail.com',
    mxDomains: ['eu.mamutmail.com', 'mamutmail.com'],
    pacc: true,
  });
  const askedBy = (client: string): string[] =>
    planned
      .filter((request) => request.askedBy.some((name) => name.startsWith(client)))
      .map((r) => `${r.method} ${r.url}`);

  test('the .well-known path is one the autoconfig protocol answers', () => {
    expect(AUTOCONFIG_PATHS).toContain(WELL_KNOWN_AUTOCONFIG_PATH);
  });

  test('Outlook: the domain, autodiscover.<domain>, the port-80 GET, SRV; the v2 JSON of newer builds [OXDISCO 3.1.5]', () => {
    expect(askedBy('Outlook')).toEqual([
      'POST https://example.com/autodiscover/autodiscover.xml',
      'POST https://autodiscover.example.com/autodiscover/autodiscover.xml',
      'GET http://autodiscover.example.com/autodiscover/autodiscover.xml',
      'POST https://autodiscover.mamutmail.com/autodiscover/autodiscover.xml',
      'GET https://autodiscover.example.com/autodiscover/autodiscover.json?Email=jane%40example.com&Protocol=AutodiscoverV1',
    ]);
  });

  test('Thunderbird: autoconfig.<domain>, the domain’s .well-known, then both over http, with the address [TB FetchConfig]', () => {
    expect(askedBy('Thunderbird ')).toEqual(
      expect.arrayContaining([
        'GET https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=jane%40example.com',
        'GET https://example.com/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=jane%40example.com',
      ]),
    );
    const provider = planned.filter((request) => request.askedBy.some((name) => /^Thunderbird \d$/.test(name)));
    expect(provider.map((request) => [request.url, request.role])).toEqual([
      ['https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=jane%40example.com', 'required'],
      ['https://example.com/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=jane%40example.com', 'optional'],
      ['http://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=jane%40example.com', 'required'],
      ['http://example.com/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=jane%40example.com', 'optional'],
    ]);
  });

  test('Thunderbird for Android: no address; its MX step asks the MX host less its first label, then the base domain [TfA]', () => {
    expect(askedBy('Thunderbird for Android')).toEqual([
      'GET https://autoconfig.example.com/mail/config-v1.1.xml',
      'GET https://example.com/.well-known/autoconfig/mail/config-v1.1.xml',
      'GET http://autoconfig.example.com/mail/config-v1.1.xml',
      'GET http://example.com/.well-known/autoconfig/mail/config-v1.1.xml',
      'GET https://autoconfig.eu.mamutmail.com/mail/config-v1.1.xml',
      'GET https://autoconfig.mamutmail.com/mail/config-v1.1.xml',
    ]);
  });

  test('a request several clients send is sent once, naming each', () => {
    const root = planned.find((request) => request.url === 'https://example.com/autodiscover/autodiscover.xml');
    expect(root?.askedBy).toEqual(['Outlook 1', 'Thunderbird Exchange 2']);
    expect(root?.role).toBe('optional');
  });

  test('no PACC request where the service has no document; no SRV request without a target', () => {
    const without = plannedRequests({
      domain: 'example.org',
      address: 'a@example.org',
      srvTarget: null,
      mxDomains: [],
      pacc: false,
    });
    expect(without.some((request) => request.kind === 'pacc')).toBe(false);
    expect(without.some((request) => request.askedBy.includes('Outlook 4'))).toBe(false);
  });
});

test('readsAs: a document of the kind asked for, not a web page', () => {
  const answer = (body: string, status = 200) => ({
    status,
    contentType: 'text/xml',
    location: undefined,
    body: Buffer.from(body),
  });
  expect(readsAs('pox', answer('<Autodiscover><Response/></Autodiscover>'))).toBe(true);
  expect(readsAs('pox', answer('<html><body>Welcome</body></html>'))).toBe(false);
  expect(readsAs('autoconfig', answer('<clientConfig version="1.1"/>'))).toBe(true);
  expect(readsAs('autoconfig', answer('<clientConfig version="1.1"/>', 404))).toBe(false);
  expect(readsAs('pacc', answer('{"protocols":{}}'))).toBe(true);
});

test('the report: counts, ok only without a failure, the fix under a failure', () => {
  const report = buildReport(
    { domain: 'example.com', address: 'a@example.com', service: { host: 's.example', port: 443 } },
    [
      { section: 'dns', check: 'autoconfig.example.com CNAME', status: 'pass', detail: 'CNAME s.example' },
      { section: 'tls', check: 'autoconfig.example.com:443', status: 'fail', detail: 'expired', fix: 'renew it' },
      {
        section: 'request',
        check: 'GET https://example.com/',
        status: 'skip',
        detail: 'not this service',
        askedBy: ['X 1'],
      },
    ],
  );
  expect(report).toMatchObject({ ok: false, counts: { pass: 1, fail: 1, skip: 1 } });
  expect(renderReport(report)).toContain('  FAIL  autoconfig.example.com:443\n        expired\n        fix: renew it');
  expect(renderReport(report)).toContain('  skip  GET https://example.com/  [X 1]');
  expect(renderReport(report).split('\n').at(-1)).toBe('FAILED: 1 pass, 1 fail, 1 skip');
});

test('control characters from a server in a detail in a detail are shown escaped, not sent to the terminal', () => {
  const report = buildReport(
    { domain: 'example.com', address: 'a@example.com', service: { host: 's.example', port: 443 } },
    [
      {
        section: 'request',
        check: 'GET https://example.com/',
        status: 'fail',
        detail: 'HTTP 500: \u001b[2Jgone\r\n',
        fix: 'x',
      },
    ],
  );
  expect(renderReport(report)).toContain('        HTTP 500: \\u001b[2Jgone\\u000d\\u000a\n');
});
