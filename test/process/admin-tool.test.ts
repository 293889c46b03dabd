/**
 * `mail-autodiscover` (package.json "bin"; `npm run cli -- …`), run as a process the way npm runs it
 * (tsx) with only the given environment, against the example configuration: --help everywhere, usage
 * errors exit 2, `check` for every kind of address, `dns` parsed back by BIND's named-checkzone, and
 * the built bin run through its shebang.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { profilePlist } from '../../src/cli/answer-summary';
import { discoveryRequests } from '../../src/cli/discovery-requests';
import { COMMANDS, runTool as runInProcess } from '../../src/cli/main';
import { exampleApp, REPO_ROOT } from '../support/app';
import { runTool } from '../support/cli';
import { makeTestPki } from '../support/signing';

const cli = runTool;

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'admin-tool-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A config file beside the example's account file, with `settings` over the example's. */
function configWith(name: string, settings: Record<string, unknown>): string {
  const file = path.join(folder, `${name}.json`);
  const example = JSON.parse(readFileSync(path.join(REPO_ROOT, 'config/default.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  writeFileSync(
    file,
    JSON.stringify({
      ...example,
      directory: { type: 'file', file: path.join(REPO_ROOT, 'config/accounts.json'), watch: false },
      ...settings,
    }),
  );
  return file;
}

describe('--help', () => {
  test('the tool › exit 0, every command listed', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    for (const command of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${command.name} +\\S`, 'm'));
  });

  test('check --help as a process › exit 0, its usage on stdout', async () => {
    const run = await cli(['check', '--help']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('Usage: mail-autodiscover check <address>');
  });

  // The rest in process (the same runTool the bin calls), to spare a process start per case.
  test.each(COMMANDS.map((command) => command.name))('%s --help › exit 0, its usage', async (name) => {
    const run = await runInProcess([...name.split(' '), '--help'], {});
    expect(run.code).toBe(0);
    expect(run.message).toMatch(new RegExp(`^(?:Usage:| {6}) mail-autodiscover ${name}\\b`, 'm'));
    expect(run.message).toContain('Exit codes:');
    expect((await runInProcess([...name.split(' '), '-h'], {})).message).toBe(run.message);
  });

  test('a group without its subcommand, with --help › the usage of its commands', async () => {
    const run = await cli(['cache', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('mail-autodiscover cache invalidate');
  });
});

describe('bad usage › exit 2, the problem and the usage on stderr, nothing on stdout', () => {
  test.each([
    ['no command', []],
    ['an unknown command', ['frobnicate']],
    ['an unknown option of a command', ['dns', 'example.com', '--all']],
  ])('as a process: %s', async (_label, args) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage: mail-autodiscover');
  });

  test.each([
    ['no command', [], 'name a command'],
    ['an unknown command', ['frobnicate'], 'unknown command "frobnicate"'],
    ['an option before the command', ['--verbose', 'check'], 'unknown option "--verbose"'],
    ['a group without its subcommand', ['cache'], '"cache" needs a subcommand: "cache invalidate"'],
    ['a group with an unknown subcommand', ['cache', 'flush'], 'unknown command "cache flush"'],
    ['check without an address', ['check'], 'give exactly one e-mail address'],
    ['check with two addresses', ['check', 'a@example.com', 'b@example.com'], 'unexpected argument "b@example.com"'],
    ['check with an invalid address', ['check', 'not-an-address'], 'the e-mail address has no "@"'],
    ['check with an unknown option', ['check', 'a@example.com', '--raw'], "Unknown option '--raw'"],
    ['check --full with a value', ['check', 'a@example.com', '--full=yes'], 'does not take an argument'],
    ['dns without a domain', ['dns'], 'give exactly one domain'],
    ['dns with an address', ['dns', 'jane@example.com'], 'is not a domain name'],
    ['dns with an unknown option', ['dns', 'example.com', '--all'], "Unknown option '--all'"],
    ['config print with an argument', ['config', 'print', 'extra'], 'unexpected argument "extra"'],
    ['pacc digest without a domain', ['pacc', 'digest'], 'give exactly one domain'],
    ['cache invalidate without a target', ['cache', 'invalidate'], 'give exactly one of --address or --domain'],
    ['migrate with an argument', ['migrate', 'now'], 'unexpected argument "now"'],
    ['migrate --replace', ['migrate', '--replace'], '--replace belongs to seed'],
    ['seed with two files', ['seed', 'a.json', 'b.json'], 'unexpected argument "b.json"'],
    ['seed --print', ['seed', '--print'], '--print belongs to migrate'],
    ['--schema without its value', ['migrate', '--schema'], "Option '--schema <value>' argument missing"],
  ])('%s', async (_label, args, problem) => {
    const run = await runInProcess(args, {});
    expect(run.code).toBe(2);
    expect(run.message).toContain(problem);
    expect(run.message).toContain('Usage: mail-autodiscover');
  });
});

interface CheckedAnswer {
  readonly family: string;
  readonly status: number;
  readonly contentType: string;
  readonly summary: string;
  readonly body: string;
  readonly signed?: boolean;
}
interface CheckReport {
  readonly address: string;
  readonly hosted: boolean;
  readonly accessType: string | null;
  readonly mailbox: string | null;
  readonly platform: { readonly name: string; readonly overrides: Readonly<Record<string, unknown>> } | null;
  readonly directory: string;
  readonly cache: { readonly kind: string; readonly result: string };
  readonly answers: readonly CheckedAnswer[];
}

async function checkJson(address: string, env: Record<string, string> = {}): Promise<CheckReport> {
  const run = await cli(['check', address, '--json', '--full'], env);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(run.stdout) as CheckReport;
}

/** What the example app answers each family's request with, through supertest: the bytes `check --full` must show. */
async function servedBodies(app: Express, address: string, domain: string): Promise<Record<string, string>> {
  const bodies: Record<string, string> = {};
  for (const [family, wire] of discoveryRequests(address, domain)) {
    const base = wire.method === 'POST' ? request(app).post(wire.path).send(wire.body) : request(app).get(wire.path);
    const res = await base
      .set('Host', wire.host)
      .set({ ...wire.headers })
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    const body = res.body as Buffer;
    bodies[family] =
      family.startsWith('apple-') && res.status === 200 ? profilePlist(body).plist : body.toString('utf8');
  }
  return bodies;
}

// An Autodiscover error carries the time it was written (docs/protocols.md §3.5).
const withoutTime = (text: string) => text.replace(/Time="[^"]*"/, 'Time="…"');

describe('check <address> against the example configuration', () => {
  const summaries = (report: CheckReport) => Object.fromEntries(report.answers.map((a) => [a.family, a.summary]));

  test('a POP access mailbox › known, and what each client family gets', async () => {
    const report = await checkJson('pop.user@example.com');
    expect(report).toMatchObject({
      address: 'pop.user@example.com',
      hosted: true,
      accessType: 'pop',
      mailbox: 'known',
      directory: 'file config/accounts.json',
      cache: { kind: 'in-process', result: 'miss' },
    });
    expect(summaries(report)).toEqual({
      'outlook-pox': 'IMAP mamutmail.com:993 SSL, POP3 mamutmail.com:995 SSL, SMTP mamutmail.com:587 TLS',
      'autodiscover-json-AutodiscoverV1': 'https://autodiscover.mamutmail.com/autodiscover/autodiscover.xml',
      'autodiscover-json-ActiveSync': 'HTTP 400 InvalidProtocol',
      'autodiscover-json-Ews': 'HTTP 400 InvalidProtocol',
      autoconfig:
        'imap mamutmail.com:993 SSL, pop3 mamutmail.com:995 SSL; sending: smtp mamutmail.com:587 STARTTLS, smtp mamutmail.com:465 SSL',
      'apple-ios': 'com.apple.mail.managed (unsigned)',
      'apple-macos': 'com.apple.mail.managed (unsigned)',
      pacc: 'document: imap mamutmail.com, pop3 mamutmail.com, submit mamutmail.com, smtp mamutmail.com',
    });
  });

  test('a Business Mail mailbox › Exchange answers; Apple payload per platform', async () => {
    const report = await checkJson('business.user@example.com');
    expect(report).toMatchObject({ hosted: true, accessType: 'business', mailbox: 'known' });
    expect(summaries(report)).toMatchObject({
      'outlook-pox': 'EXPR mamutmail.com (EWS https://mamutmail.com/EWS/Exchange.asmx), WEB https://mamutmail.com',
      'autodiscover-json-ActiveSync': 'https://mamutmail.com/Microsoft-Server-ActiveSync',
      'autodiscover-json-Ews': 'https://mamutmail.com/EWS/Exchange.asmx',
      'apple-ios': 'com.apple.eas.account (unsigned)',
      'apple-macos': 'com.apple.ews.account (unsigned)',
    });
    // PACC is per domain, and example.com is a POP access domain (docs/protocols.md §10.3).
    expect(summaries(report)['pacc']).toMatch(/^document: imap /);
  });

  test("an unknown mailbox at a hosted domain › the domain's default, said so", async () => {
    const report = await checkJson('nobody@example.org');
    expect(report).toMatchObject({ hosted: true, accessType: 'business', mailbox: 'unknown' });
    expect(summaries(report)['pacc']).toBe(
      'no document (HTTP 404: No PACC configuration for this domain: its mailboxes are Business Mail (Exchange), which PACC cannot describe; use Autodiscover.)',
    );
    const text = await cli(['check', 'nobody@example.org']);
    expect(text.stdout).toContain(
      "  access type: Business Mail, the domain's default (the directory does not know the mailbox)\n",
    );
  });

  test("a domain that is not hosted › exit 0, every family's 'not found'", async () => {
    const report = await checkJson('jane@example.net');
    expect(report).toMatchObject({ hosted: false, accessType: null, mailbox: null });
    expect(summaries(report)).toMatchObject({
      'outlook-pox': 'error 500: The e-mail address cannot be found.',
      'autodiscover-json-AutodiscoverV1': 'HTTP 404 UserNotFound',
      autoconfig: 'HTTP 404: No mail configuration for this domain.',
      pacc: 'no document (HTTP 404: No PACC configuration for this domain.)',
    });
  });

  test.each([
    ['pop.user@example.com', 'example.com'],
    ['business.user@example.com', 'example.com'],
    ['nobody@example.org', 'example.org'],
    ['jane@example.net', 'example.net'],
  ])('--full %s › the bytes the app serves to each family, as sent', async (address, domain) => {
    const report = await checkJson(address);
    const served = await servedBodies(exampleApp(), address, domain);
    expect(Object.fromEntries(report.answers.map((a) => [a.family, withoutTime(a.body)]))).toEqual(
      Object.fromEntries(Object.entries(served).map(([family, body]) => [family, withoutTime(body)])),
    );
  });

  test('text output › one line per client family, --full adds each answer after them', async () => {
    const run = await cli(['check', 'pop.user@example.com']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'pop.user@example.com',
      "  access type: POP access, the mailbox's own (the directory knows it)",
      '  answered by: file config/accounts.json directory, in-process cache (miss)',
    ]);
    expect(lines).toHaveLength(3 + 8);
    const full = await cli(['check', 'pop.user@example.com', '--full']);
    expect(full.stdout.startsWith(run.stdout.trimEnd())).toBe(true);
    expect(full.stdout).toContain('--- Outlook POX: HTTP 200 text/xml; charset=utf-8\n<?xml');
    expect(full.stdout).toContain('--- PACC: HTTP 200 application/json\n{"protocols":');
  });

  test('another configuration (CONFIG_FILE) › its servers', async () => {
    const configFile = configWith('pop3-preferred', {
      popAccess: { preferredIncoming: 'pop3', smtp: [{ host: 'smtp.other.example', port: 465, socket: 'tls' }] },
    });
    const report = await checkJson('pop.user@example.com', { CONFIG_FILE: configFile });
    expect(report.answers.find((a) => a.family === 'outlook-pox')?.summary).toBe(
      'POP3 mamutmail.com:995 SSL, IMAP mamutmail.com:993 SSL, SMTP smtp.other.example:465 SSL',
    );
  });

  test('server.https set (plain-HTTP Autodiscover redirect on) › still the answers clients get over HTTPS', async () => {
    const configFile = configWith('https', { server: { redirectPlainHttpAutodiscover: true } });
    const report = await checkJson('pop.user@example.com', { CONFIG_FILE: configFile });
    expect(report.answers.find((a) => a.family === 'outlook-pox')).toMatchObject({ status: 200 });
  });

  test('signed Apple profiles (appleProfileSigning) › "signed", and --full shows the plist the signature wraps', async () => {
    const pki = makeTestPki();
    const configFile = configWith('signed', {
      appleProfileSigning: { certFile: pki.fullchainFile, keyFile: pki.keyFile },
    });
    const report = await checkJson('business.user@example.com', { CONFIG_FILE: configFile });
    const ios = report.answers.find((a) => a.family === 'apple-ios');
    expect(ios).toMatchObject({ summary: 'com.apple.eas.account (signed)', signed: true });
    const unsigned = await servedBodies(exampleApp(), 'business.user@example.com', 'example.com');
    expect(ios?.body).toBe(unsigned['apple-ios']);
  });

  test('an invalid configuration › exit 1 with the problems start-up lists', async () => {
    const configFile = path.join(folder, 'bad.json');
    writeFileSync(configFile, JSON.stringify({ popAccess: { smtp: [] } }));
    const run = await cli(['check', 'pop.user@example.com'], { CONFIG_FILE: configFile });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('popAccess.smtp');
  });
});

/**
 * The zone BIND would load: a minimal SOA and NS, then the lines `dns` printed. named-checkzone
 * refuses a malformed record; its canonical dump lists every record it read.
 */
function checkZone(domain: string, printed: string): string[] {
  const zoneFile = path.join(folder, `${domain}.zone`);
  writeFileSync(
    zoneFile,
    `$TTL 3600\n${domain}. IN SOA ns1.dns.example. hostmaster.dns.example. 1 7200 3600 1209600 3600\n${domain}. IN NS ns1.dns.example.\n${printed}`,
  );
  const dump = execFileSync('named-checkzone', ['-q', '-D', '-o', '-', domain, zoneFile], { encoding: 'utf8' });
  return dump
    .split('\n')
    .filter((line) => line !== '' && !/\s(SOA|NS)\s/.test(line))
    .map((line) => line.replace(/\s+/g, ' ').replace(/ \d+ IN /, ' IN '));
}

const haveNamedCheckzone = spawnSync('named-checkzone', ['-v']).status === 0;
if (!haveNamedCheckzone && process.env['CI'] !== 'true')
  process.stderr.write(
    '\n[dns] SKIPPING the zone-file checks: named-checkzone (Debian bind9-utils) is not installed; .ci/run installs it.\n',
  );
const withNamedCheckzone = haveNamedCheckzone || process.env['CI'] === 'true' ? test : test.skip;

describe('dns <domain>', () => {
  const records = (printed: string) => printed.split('\n').filter((line) => line !== '' && !line.startsWith(';'));

  test('a POP access domain › CNAMEs, SRV records and the PACC TXT record', async () => {
    const run = await cli(['dns', 'example.com']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const digest = await cli(['pacc', 'digest', 'example.com']);
    expect(records(run.stdout)).toEqual([
      'autoconfig.example.com. IN CNAME autodiscover.mamutmail.com.',
      'autodiscover.example.com. IN CNAME autodiscover.mamutmail.com.',
      '_autodiscover._tcp.example.com. IN SRV 0 0 443 autodiscover.mamutmail.com.',
      '_imaps._tcp.example.com. IN SRV 0 1 993 mamutmail.com.',
      '_pop3s._tcp.example.com. IN SRV 10 1 995 mamutmail.com.',
      '_submissions._tcp.example.com. IN SRV 0 1 465 mamutmail.com.',
      '_submission._tcp.example.com. IN SRV 5 1 587 mamutmail.com.',
      'ua-auto-config.example.com. IN CNAME autodiscover.mamutmail.com.',
      digest.stdout.trimEnd(),
    ]);
  });

  test('a Business Mail domain › no IMAP/POP3 records and no PACC, each said why in a comment', async () => {
    const run = await cli(['dns', 'EXAMPLE.org']);
    expect(run.code).toBe(0);
    expect(records(run.stdout)).toEqual([
      'autoconfig.example.org. IN CNAME autodiscover.mamutmail.com.',
      'autodiscover.example.org. IN CNAME autodiscover.mamutmail.com.',
      '_autodiscover._tcp.example.org. IN SRV 0 0 443 autodiscover.mamutmail.com.',
      '_submissions._tcp.example.org. IN SRV 0 1 465 mamutmail.com.',
      '_submission._tcp.example.org. IN SRV 5 1 587 mamutmail.com.',
    ]);
    expect(run.stdout).toContain(
      '; no PACC: HTTP 404: No PACC configuration for this domain: its mailboxes are Business Mail',
    );
    expect(run.stdout).toContain('; so publish neither ua-auto-config.example.org nor _ua-auto-config.example.org');
  });

  test('STARTTLS-only servers and a service on another port › "not offered" records, the SRV port of publicUrl, no PACC', async () => {
    const configFile = configWith('starttls', {
      autodiscover: { publicUrl: 'https://discovery.other.example:8443/autodiscover/autodiscover.xml' },
      popAccess: {
        preferredIncoming: 'pop3',
        imap: { host: 'imap.other.example', port: 143, socket: 'starttls' },
        pop3: { host: 'pop.other.example', port: 995, socket: 'tls' },
        smtp: [{ host: 'smtp.other.example', port: 587, socket: 'starttls' }],
      },
    });
    const run = await cli(['dns', 'example.com'], { CONFIG_FILE: configFile });
    expect(run.code).toBe(0);
    expect(records(run.stdout)).toEqual([
      'autoconfig.example.com. IN CNAME discovery.other.example.',
      'autodiscover.example.com. IN CNAME discovery.other.example.',
      '_autodiscover._tcp.example.com. IN SRV 0 0 8443 discovery.other.example.',
      '_imaps._tcp.example.com. IN SRV 0 0 0 .',
      '_imap._tcp.example.com. IN SRV 10 1 143 imap.other.example.',
      '_pop3s._tcp.example.com. IN SRV 0 1 995 pop.other.example.',
      '_submissions._tcp.example.com. IN SRV 0 0 0 .',
      '_submission._tcp.example.com. IN SRV 5 1 587 smtp.other.example.',
    ]);
    expect(run.stdout).toContain('; no PACC: HTTP 404');
  });

  withNamedCheckzone.each([
    ['example.com', []],
    ['example.org', []],
    ['example.com', ['starttls']],
  ])('%s %j › every line a zone-file record BIND loads as printed', async (domain, variant) => {
    const env = variant.length === 0 ? {} : { CONFIG_FILE: path.join(folder, `${variant[0] ?? ''}.json`) };
    const run = await cli(['dns', domain], env);
    expect(run.code).toBe(0);
    const loaded = checkZone(domain, run.stdout);
    const printed = records(run.stdout);
    expect(loaded).toHaveLength(printed.length);
    // BIND's dump is canonical (tabs, TTLs, sorted): compare record by record, as sets.
    expect([...loaded].sort()).toEqual(printed.map((line) => line.replace(/\s+/g, ' ')).sort());
  });

  test('a domain this service does not host › exit 1, nothing to publish', async () => {
    const run = await cli(['dns', 'example.net']);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toContain('example.net is not hosted by this service');
  });
});

describe('the built bin (package.json "bin": dist/cli/main.js)', () => {
  let outDir: string;
  beforeAll(() => {
    outDir = path.join(folder, 'dist');
    execFileSync(
      process.execPath,
      [
        path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        outDir,
        '--sourceMap',
        'false',
      ],
      { cwd: REPO_ROOT },
    );
  }, 120_000);

  test('package.json names it, and it starts with a shebang', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(pkg.bin).toEqual({ 'mail-autodiscover': 'dist/cli/main.js' });
    expect(readFileSync(path.join(outDir, 'cli/main.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  test('run as an executable (as npm links it) › the same as npm run cli', async () => {
    const bin = path.join(outDir, 'cli/main.js');
    chmodSync(bin, 0o755);
    // Outside the checkout the built files find the dependencies as an installed package would.
    const env = { PATH: process.env['PATH'] ?? '', NODE_PATH: path.join(REPO_ROOT, 'node_modules') };
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(bin, args, { cwd: REPO_ROOT, env }, (error, stdout) =>
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout }),
        );
      });
    expect(await run(['--help'])).toEqual({ code: 0, stdout: (await cli(['--help'])).stdout });
    expect(await run(['dns', 'example.com'])).toEqual({ code: 0, stdout: (await cli(['dns', 'example.com'])).stdout });
    expect((await run(['frobnicate'])).code).toBe(2);
  }, 30_000);
});

describe('README "Administer"', () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('\n## Administer\n'),
    readme.indexOf('\n## ', readme.indexOf('\n## Administer\n') + 1),
  );
  /** Each `$ npm run --silent cli -- …` line of the section's console blocks, and the lines shown after it. */
  const examples = [...section.matchAll(/^\$ npm run --silent cli -- (.+)\n((?:(?!\$ |```).*\n)*)/gm)].map(
    (match) => [match[1] ?? '', match[2] ?? ''] as const,
  );

  test('has the check and dns examples', () => {
    expect(examples.map(([args]) => args.split(' ')[0])).toEqual(['check', 'check', 'dns', 'dns']);
  });

  test.each(examples)('`npm run --silent cli -- %s` prints what the README shows', async (args, shown) => {
    const run = await cli(args.split(' '));
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(shown);
  });
});

describe('domains on platforms of their own (docs/protocols.md §14)', () => {
  const records = (printed: string) => printed.split('\n').filter((line) => line !== '' && !line.startsWith(';'));

  test('check › the platform named with what it overrides; every family answers from it', async () => {
    const report = await checkJson('jane@hosting02.example');
    expect(report).toMatchObject({ accessType: 'business', mailbox: 'unknown' });
    expect(report.platform).toEqual({
      name: 'hosting02',
      overrides: {
        'businessMail.host': 'exchange02.example.net',
        'businessMail.owaUrl': 'https://exchange02.example.net/owa',
        'businessMail.ewsUrl': 'https://exchange02.example.net/EWS/Exchange.asmx',
        'businessMail.activeSyncUrl': 'https://exchange02.example.net/Microsoft-Server-ActiveSync',
        'businessMail.windowsDomain': 'hosting02',
        'businessMail.mobileUsername': 'address',
      },
    });
    const served = await servedBodies(exampleApp(), 'jane@hosting02.example', 'hosting02.example');
    expect(Object.fromEntries(report.answers.map((a) => [a.family, withoutTime(a.body)]))).toEqual(
      Object.fromEntries(Object.entries(served).map(([family, body]) => [family, withoutTime(body)])),
    );
    expect(report.answers.find((a) => a.family === 'outlook-pox')?.summary).toBe(
      'EXPR exchange02.example.net (EWS https://exchange02.example.net/EWS/Exchange.asmx), WEB https://exchange02.example.net/owa',
    );
  });

  test('check of a provider-wide domain › platform null, no platform line', async () => {
    expect((await checkJson('pop.user@example.com')).platform).toBeNull();
    expect((await cli(['check', 'pop.user@example.com'])).stdout).not.toContain('platform:');
  });

  test('dns › the SRV records point at the platform’s hosts, the PACC record digests its document', async () => {
    const run = await cli(['dns', 'mail2.example']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('; mail servers of platform mail2\n');
    const digest = await cli(['pacc', 'digest', 'mail2.example']);
    expect(records(run.stdout)).toEqual([
      'autoconfig.mail2.example. IN CNAME autodiscover.mamutmail.com.',
      'autodiscover.mail2.example. IN CNAME autodiscover.mamutmail.com.',
      '_autodiscover._tcp.mail2.example. IN SRV 0 0 443 autodiscover.mamutmail.com.',
      '_imaps._tcp.mail2.example. IN SRV 0 1 993 imap.mail2.example.net.',
      '_pop3s._tcp.mail2.example. IN SRV 10 1 995 pop.mail2.example.net.',
      '_submissions._tcp.mail2.example. IN SRV 0 1 465 smtp.mail2.example.net.',
      '_submission._tcp.mail2.example. IN SRV 5 1 587 smtp.mail2.example.net.',
      'ua-auto-config.mail2.example. IN CNAME autodiscover.mamutmail.com.',
      digest.stdout.trimEnd(),
    ]);
  });

  withNamedCheckzone('dns mail2.example › every line a zone-file record BIND loads as printed', async () => {
    const run = await cli(['dns', 'mail2.example']);
    const printed = records(run.stdout);
    expect([...checkZone('mail2.example', run.stdout)].sort()).toEqual(
      printed.map((line) => line.replace(/\s+/g, ' ')).sort(),
    );
  });

  describe('README "Per-domain platforms"', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('\n### Per-domain platforms\n');
    const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
    const examples = [...section.matchAll(/^\$ npm run --silent cli -- (.+)\n((?:(?!\$ |```).*\n)*)/gm)].map(
      (match) => [match[1] ?? '', match[2] ?? ''] as const,
    );

    test('has a check and a dns example', () => {
      expect(start).toBeGreaterThan(0);
      expect(examples.map(([args]) => args.split(' ')[0])).toEqual(['check', 'dns']);
    });

    test.each(examples)('`npm run --silent cli -- %s` prints what the README shows', async (args, shown) => {
      const run = await cli(args.split(' '));
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(shown);
    });
  });
});
