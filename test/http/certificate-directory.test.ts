/**
 * Direct HTTPS with server.https.certificateDirectory (docs/protocols.md §12.2): a pair per name or
 * wildcard, laid out as certbot or a Kubernetes TLS secret (cert-manager) writes them, chosen by SNI
 * (exact, then wildcard, then the default pair), and reread when the files change, without a restart.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { configSchema, type AppConfig } from '../../src/config/schema';
import {
  CertificateDirectory,
  indexByName,
  pairFor,
  scanCertificateDirectory,
} from '../../src/http/certificate-directory';
import { createListeners, readTlsFiles, type Listener } from '../../src/http/listeners';
import { exampleApp, exampleConfig } from '../support/app';
import { selfSignedPairFor, servedNames, writePair } from '../support/tls';

const silent = pino({ level: 'silent' });

/** A new temporary folder before each test (handed to `use`), removed after it. */
function freshFolderForEachTest(use: (folder: string) => void): void {
  let folder = '';
  beforeEach(() => use((folder = mkdtempSync(path.join(tmpdir(), 'certs-')))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));
}

/** Until `check` holds; a failed handshake (no pair for the name yet) counts as not yet. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function httpsConfig(https: Partial<NonNullable<AppConfig['server']['https']>>): AppConfig {
  const base = exampleConfig().config;
  return { ...base, server: { ...base.server, https: { port: 0, rescanSeconds: 60, ...https } } };
}

async function listen(
  config: AppConfig,
  folder: string,
): Promise<{ listener: Listener; port: number; directory: CertificateDirectory | null }> {
  const credentials = readTlsFiles(config, folder);
  if (credentials === null || Array.isArray(credentials)) throw new Error(`TLS not read: ${String(credentials)}`);
  const listener = createListeners(exampleApp(), config, credentials).find(({ scheme }) => scheme === 'https');
  if (listener === undefined) throw new Error('no HTTPS listener');
  await new Promise<void>((done) => listener.server.listen(0, '127.0.0.1', done));
  return {
    listener,
    port: (listener.server.address() as AddressInfo).port,
    directory: credentials.certificateDirectory,
  };
}

describe('certificate directory: choosing by SNI', () => {
  let folder: string;
  let port: number;
  let listener: Listener;

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'certs-'));
    const certificates = path.join(folder, 'certificates');
    // certbot: live/<first name>/fullchain.pem + privkey.pem (the folder name says nothing: the certificate does).
    writePair(
      path.join(certificates, 'live', 'autodiscover.example.com'),
      await selfSignedPairFor(['autodiscover.example.com', 'autoconfig.example.com']),
      'certbot',
    );
    // cert-manager: one folder per mounted secret, tls.crt + tls.key.
    writePair(path.join(certificates, 'example-org-wildcard'), await selfSignedPairFor(['*.example.org']), 'secret');
    writePair(folder, await selfSignedPairFor(['default.mamutmail.com']), 'secret');
    const config = httpsConfig({ certFile: 'tls.crt', keyFile: 'tls.key', certificateDirectory: 'certificates' });
    ({ listener, port } = await listen(config, folder));
  });
  afterAll(async () => {
    await new Promise((done) => listener.server.close(done));
    rmSync(folder, { recursive: true, force: true });
  });

  test.each([
    [
      'autodiscover.example.com',
      'DNS:autodiscover.example.com, DNS:autoconfig.example.com',
      'exact name (certbot layout)',
    ],
    ['AutoConfig.Example.COM', 'DNS:autodiscover.example.com, DNS:autoconfig.example.com', 'exact name, any case'],
    ['autodiscover.example.org', 'DNS:*.example.org', 'wildcard (Kubernetes secret layout)'],
    ['a.b.example.org', 'DNS:default.mamutmail.com', 'a wildcard covers one label only: the default pair'],
    ['example.org', 'DNS:default.mamutmail.com', 'nor the bare domain: the default pair'],
    ['autodiscover.foreign.example', 'DNS:default.mamutmail.com', 'unknown name: the default pair'],
  ])('SNI %s › %s (%s)', async (serverName, expected) => {
    expect(await servedNames(port, serverName)).toBe(expected);
  });

  test('no SNI › the default pair', async () => {
    expect(await servedNames(port, null)).toBe('DNS:default.mamutmail.com');
  });
});

describe('certificate directory: without a default pair', () => {
  test('an unknown name › the handshake fails (no certificate would be right)', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'certs-'));
    writePair(
      path.join(folder, 'live', 'autodiscover.example.com'),
      await selfSignedPairFor(['autodiscover.example.com']),
      'certbot',
    );
    const { listener, port } = await listen(httpsConfig({ certificateDirectory: '.' }), folder);
    try {
      expect(await servedNames(port, 'autodiscover.example.com')).toBe('DNS:autodiscover.example.com');
      await expect(servedNames(port, 'other.example.com')).rejects.toThrow();
    } finally {
      await new Promise((done) => listener.server.close(done));
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('certificate directory: reloading without a restart', () => {
  let folder = '';
  freshFolderForEachTest((made) => (folder = made));

  test('a replaced certbot pair is served on the next connection (fs.watch)', async () => {
    const live = path.join(folder, 'live', 'autodiscover.example.com');
    writePair(live, await selfSignedPairFor(['autodiscover.example.com']), 'certbot');
    const { listener, port, directory } = await listen(httpsConfig({ certificateDirectory: '.' }), folder);
    directory?.watch(silent, 3600);
    try {
      expect(await servedNames(port, 'autodiscover.example.com')).toBe('DNS:autodiscover.example.com');
      writePair(live, await selfSignedPairFor(['autodiscover.example.com', 'renewed.example.com']), 'certbot');
      await eventually(async () => (await servedNames(port, 'autodiscover.example.com')).includes('renewed'), 5000);
      // A pair added later is served too.
      writePair(
        path.join(folder, 'live', 'autoconfig.example.net'),
        await selfSignedPairFor(['autoconfig.example.net']),
        'certbot',
      );
      await eventually(
        async () => (await servedNames(port, 'autoconfig.example.net')) === 'DNS:autoconfig.example.net',
        5000,
      );
    } finally {
      directory?.close();
      await new Promise((done) => listener.server.close(done));
    }
  });

  test('a Kubernetes secret update (the ..data link swapped to a new folder) is served on the next connection', async () => {
    const mount = path.join(folder, 'example-com-tls');
    writePair(path.join(mount, '..2026_01'), await selfSignedPairFor(['autodiscover.example.com']), 'secret');
    symlinkSync('..2026_01', path.join(mount, '..data'));
    symlinkSync('..data/tls.crt', path.join(mount, 'tls.crt'));
    symlinkSync('..data/tls.key', path.join(mount, 'tls.key'));
    const { listener, port, directory } = await listen(httpsConfig({ certificateDirectory: '.' }), folder);
    directory?.watch(silent, 3600);
    try {
      expect(await servedNames(port, 'autodiscover.example.com')).toBe('DNS:autodiscover.example.com');
      // What kubelet does: new files in a new folder, then the ..data link replaced by a rename.
      writePair(
        path.join(mount, '..2026_02'),
        await selfSignedPairFor(['autodiscover.example.com', 'renewed.example.com']),
        'secret',
      );
      symlinkSync('..2026_02', path.join(mount, '..data_tmp'));
      renameSync(path.join(mount, '..data_tmp'), path.join(mount, '..data'));
      await eventually(async () => (await servedNames(port, 'autodiscover.example.com')).includes('renewed'), 5000);
    } finally {
      directory?.close();
      await new Promise((done) => listener.server.close(done));
    }
  });

  test('without a watch (inotify out of watches) › the periodic re-scan reads the change', async () => {
    // certbot's own layout: live/<name>/*.pem link to archive/<name>/*N.pem; here only live/ is configured.
    const archive = path.join(folder, 'archive');
    writePair(archive, await selfSignedPairFor(['autodiscover.example.com']), 'certbot');
    const live = path.join(folder, 'live', 'autodiscover.example.com');
    mkdirSync(live, { recursive: true });
    symlinkSync(path.join(archive, 'fullchain.pem'), path.join(live, 'fullchain.pem'));
    symlinkSync(path.join(archive, 'privkey.pem'), path.join(live, 'privkey.pem'));
    const { listener, port, directory } = await listen(httpsConfig({ certificateDirectory: 'live' }), folder);
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const noWatch = (): never => {
      throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
    };
    directory?.watch(logger, 1, noWatch);
    try {
      expect(warnings.join('')).toContain('cannot watch certificates; re-scanning on a timer only');
      writePair(archive, await selfSignedPairFor(['autodiscover.example.com', 'renewed.example.com']), 'certbot');
      await eventually(async () => (await servedNames(port, 'autodiscover.example.com')).includes('renewed'), 5000);
    } finally {
      directory?.close();
      await new Promise((done) => listener.server.close(done));
    }
  });

  test('a half-written renewal (key of another certificate) keeps the pair served before', async () => {
    const live = path.join(folder, 'live', 'autodiscover.example.com');
    const first = await selfSignedPairFor(['autodiscover.example.com']);
    writePair(live, first, 'certbot');
    const loaded = CertificateDirectory.load(folder, false);
    if (Array.isArray(loaded)) throw new Error(loaded.join('\n'));
    const before = loaded.contextFor('autodiscover.example.com');
    writeFileSync(path.join(live, 'fullchain.pem'), (await selfSignedPairFor(['autodiscover.example.com'])).cert);
    const problems = loaded.rescan();
    expect(problems).toEqual([expect.stringMatching(/fullchain\.pem\/privkey\.pem cannot be used/)]);
    expect(loaded.contextFor('autodiscover.example.com')).toBe(before);
  });
});

describe('certificate directory: scanning', () => {
  let folder = '';
  freshFolderForEachTest((made) => (folder = made));

  test('two pairs for one name › the one valid longest (a renewal beside the old pair)', async () => {
    writePair(
      path.join(folder, 'old'),
      await selfSignedPairFor(['a.example.com'], new Date(Date.now() + 86_400_000)),
      'secret',
    );
    writePair(
      path.join(folder, 'new'),
      await selfSignedPairFor(['a.example.com', 'new.example.com'], new Date(Date.now() + 90 * 86_400_000)),
      'secret',
    );
    const scan = scanCertificateDirectory(folder);
    expect(scan.problems).toEqual([]);
    const byName = indexByName(scan.pairs);
    expect(byName.get('a.example.com')?.names).toContain('new.example.com');
  });

  test('pairFor › exact, then the wildcard one label up, else null', () => {
    const byName = new Map([
      ['a.example.com', 'exact'],
      ['*.example.com', 'wildcard'],
    ]);
    expect(pairFor(byName, 'A.example.com.')).toBe('exact');
    expect(pairFor(byName, 'b.example.com')).toBe('wildcard');
    expect(pairFor(byName, 'c.b.example.com')).toBeNull();
    expect(pairFor(byName, 'example.com')).toBeNull();
    expect(pairFor(byName, 'localhost')).toBeNull();
  });

  test.each([
    [
      'no pair and no default pair',
      (): void => undefined,
      /no certificate pair in .*add one or set certFile and keyFile/,
    ],
    [
      'a certificate without its key',
      (): void => writeFileSync(path.join(folder, 'tls.crt'), 'x'),
      /has tls\.crt but not tls\.key; fix or remove that pair/,
    ],
    [
      'a file that is no certificate',
      (): void => {
        writeFileSync(path.join(folder, 'tls.crt'), 'not a certificate');
        writeFileSync(path.join(folder, 'tls.key'), 'not a key');
      },
      /tls\.crt\/tls\.key cannot be used/,
    ],
  ])('start-up problem: %s › names server.https.certificateDirectory and the fix', (_label, arrange, message) => {
    arrange();
    const problems = CertificateDirectory.load(folder, false);
    expect(Array.isArray(problems)).toBe(true);
    expect((problems as string[])[0]).toMatch(/^server\.https\.certificateDirectory: /);
    expect((problems as string[])[0]).toMatch(message);
  });

  test('a folder that does not exist › a start-up problem through readTlsFiles', () => {
    const problems = readTlsFiles(httpsConfig({ certificateDirectory: 'missing' }), folder);
    expect(problems).toEqual([
      expect.stringMatching(/^server\.https\.certificateDirectory: cannot read .*missing \(ENOENT\)/),
    ]);
  });

  test('an empty folder with a default pair › fine: pairs may come later', async () => {
    writePair(folder, await selfSignedPairFor(['default.example']), 'secret');
    mkdirSync(path.join(folder, 'empty'));
    const credentials = readTlsFiles(
      httpsConfig({ certFile: 'tls.crt', keyFile: 'tls.key', certificateDirectory: 'empty' }),
      folder,
    );
    expect(Array.isArray(credentials)).toBe(false);
  });
});

describe('server.https config', () => {
  const problemsOf = (https: unknown): string[] => {
    const parsed = configSchema.safeParse({ server: { https } });
    return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  };

  test('certFile and keyFile (the single pair) › still valid alone', () => {
    expect(problemsOf({ certFile: 'cert.pem', keyFile: 'key.pem' })).toEqual([]);
  });
  test('certificateDirectory alone › valid', () => {
    expect(problemsOf({ certificateDirectory: '/etc/letsencrypt/live' })).toEqual([]);
  });
  test('certFile without keyFile › names the missing key', () => {
    expect(problemsOf({ certFile: 'cert.pem' })).toEqual([
      'server.https.keyFile: certFile and keyFile go together: name both, or neither and use certificateDirectory',
    ]);
  });
  test('neither a pair nor a folder › says what to name', () => {
    expect(problemsOf({ port: 8443 })).toEqual([
      'server.https.certificateDirectory: name certFile and keyFile, certificateDirectory, or both (or remove server.https)',
    ]);
  });
  test('rescanSeconds out of range › refused', () => {
    expect(problemsOf({ certificateDirectory: 'c', rescanSeconds: 0 })[0]).toMatch(/^server\.https\.rescanSeconds: /);
  });
});
