import { copyFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { composeService, composeServiceAround } from '../../src/compose';
import { loadConfig } from '../../src/config/load';
import type { AppConfig } from '../../src/config/schema';
import { exampleApp, exampleConfig, exampleDirectory, REPO_ROOT } from '../support/app';
import { issueSigner, makeTestPki, verifyCms } from '../support/signing';
import type { TestResponse } from '../support/http';

const pki = makeTestPki();

/** The certificate files the service reads, in a folder a test renews them in. */
const live = {
  certFile: path.join(pki.folder, 'live-cert.pem'),
  keyFile: path.join(pki.folder, 'live-key.pem'),
};
copyFileSync(pki.certFile, live.certFile);
copyFileSync(pki.keyFile, live.keyFile);

const withSigning =
  (signing: Partial<NonNullable<AppConfig['appleProfileSigning']>> = {}) =>
  (config: AppConfig): AppConfig => ({
    ...config,
    appleProfileSigning: {
      certFile: live.certFile,
      keyFile: live.keyFile,
      chainFile: pki.intermediateFile,
      // Every download looks at the files, so a renewal shows on the next request.
      recheckSeconds: 0,
      ...signing,
    },
  });

const signedApp = exampleApp({ config: withSigning() });
const unsignedApp = exampleApp();

/** The body as bytes, whatever the content type. */
const getBytes = (app: ReturnType<typeof exampleApp>, target: string): Promise<TestResponse> =>
  request(app)
    .get(target)
    .buffer(true)
    .parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    });

function bodyOf(res: TestResponse): Buffer {
  const body: unknown = res.body;
  if (!Buffer.isBuffer(body)) throw new Error('expected a binary body');
  return body;
}

const BUSINESS = '/mobileconfig?emailaddress=business.user%40example.com';

describe('GET /mobileconfig with appleProfileSigning (docs/protocols.md §7.6)', () => {
  test.each([
    ['Business Mail, iPhone', BUSINESS],
    ['Business Mail, Mac', `${BUSINESS}&platform=macos`],
    ['POP access', '/mobileconfig?emailaddress=pop.user%40example.com'],
  ])(
    '%s › signed, verified by openssl against the test root, content = the unsigned profile byte for byte',
    async (_case, target) => {
      const signed = await getBytes(signedApp, target);
      const unsigned = await getBytes(unsignedApp, target);
      expect(signed.status).toBe(200);
      expect(signed.headers['content-type']).toBe('application/x-apple-aspen-config');
      expect(signed.headers['content-disposition']).toBe(unsigned.headers['content-disposition']);
      expect(signed.headers['cache-control']).toBe('no-store');
      // DER, not XML: a SEQUENCE first.
      expect(bodyOf(signed)[0]).toBe(0x30);
      const verification = verifyCms(bodyOf(signed), pki.rootFile);
      expect(verification.stderr).toContain('Verification successful');
      expect(verification.content.equals(bodyOf(unsigned))).toBe(true);
      expect(verification.signerSubject).toBe('CN=profiles.example.test\nO=Test');
    },
  );

  test('a second download › the same bytes (remembered per profile and certificate)', async () => {
    const first = bodyOf(await getBytes(signedApp, BUSINESS));
    expect(bodyOf(await getBytes(signedApp, BUSINESS)).equals(first)).toBe(true);
  });

  test('failures stay plain text, unsigned', async () => {
    const res = await request(signedApp).get('/mobileconfig?emailaddress=nobody%40foreign.test');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
  });

  test('renewed certificate files › the next download is signed with the new certificate, no restart', async () => {
    const app = exampleApp({ config: withSigning() });
    expect(verifyCms(bodyOf(await getBytes(app, BUSINESS)), pki.rootFile).signerSubject).toBe(
      'CN=profiles.example.test\nO=Test',
    );
    const renewed = issueSigner(pki, 'renewed', 'renewed.example.test');
    // As an ACME client renews: new files moved over the old names.
    for (const [source, target] of [
      [renewed.certFile, live.certFile],
      [renewed.keyFile, live.keyFile],
    ] as const) {
      copyFileSync(source, `${target}.new`);
      renameSync(`${target}.new`, target);
    }
    const verification = verifyCms(bodyOf(await getBytes(app, BUSINESS)), pki.rootFile);
    expect(verification.verified).toBe(true);
    expect(verification.signerSubject).toBe('CN=renewed.example.test\nO=Test');
  });
});

describe('appleProfileSigning at start-up', () => {
  test('unreadable or wrong files › the service does not start; each problem names the key and the fix', () => {
    const composed = composeServiceAround(
      withSigning({ certFile: path.join(pki.folder, 'nope.pem'), keyFile: pki.rootFile })(exampleConfig().config),
      exampleDirectory(),
      pino({ level: 'silent' }),
    );
    expect(composed.ok).toBe(false);
    if (composed.ok) return;
    expect(composed.error).toEqual([
      expect.stringMatching(
        /^appleProfileSigning\.certFile: cannot read .*nope\.pem \(ENOENT\); fix the path or remove appleProfileSigning$/,
      ),
      expect.stringMatching(/^appleProfileSigning\.keyFile: .*root\.pem is not a PEM RSA private key/),
    ]);
  });

  test.each([
    [{ certFile: '' }, 'appleProfileSigning.certFile must name the PEM certificate file, e.g. "fullchain.pem", got ""'],
    [
      { recheckSeconds: -1 },
      'appleProfileSigning.recheckSeconds must be a whole number of seconds from 0 (check on every download) to 86400, got -1',
    ],
    [
      { recheckSeconds: 1.5 },
      'appleProfileSigning.recheckSeconds must be a whole number of seconds from 0 (check on every download) to 86400, got 1.5',
    ],
    [
      { passphrase: 'x' },
      'appleProfileSigning has unknown key(s) "passphrase"; remove them or fix the spelling (see README "Configuration")',
    ],
  ])('config %j › refused by the schema: %s', (signing, message) => {
    const folder = pki.folder;
    const configFile = path.join(folder, `config-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(
      configFile,
      JSON.stringify({ appleProfileSigning: { certFile: 'cert.pem', keyFile: 'key.pem', ...signing } }),
    );
    const loaded = loadConfig({ CONFIG_FILE: configFile }, folder);
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.error).toContain(`${configFile}: ${message}`);
  });

  test('relative file names are read next to the config file, and profiles come out signed', async () => {
    copyFileSync(path.join(REPO_ROOT, 'config', 'accounts.json'), path.join(pki.folder, 'accounts.json'));
    const configFile = path.join(pki.folder, 'relative-config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        appleProfileSigning: { certFile: 'fullchain.pem', keyFile: path.basename(pki.keyFile) },
        directory: { type: 'file', file: 'accounts.json', watch: false },
      }),
    );
    // Started from elsewhere: the files are found beside the config file, not in the working directory.
    const loaded = loadConfig({ CONFIG_FILE: configFile }, '/');
    if (!loaded.ok) throw new Error(loaded.error.join('\n'));
    const service = await composeService(loaded.value, pino({ level: 'silent' }));
    if (!service.ok) throw new Error(service.error.join('\n'));
    try {
      const verification = verifyCms(bodyOf(await getBytes(service.value.app, BUSINESS)), pki.rootFile);
      expect(verification.verified).toBe(true);
    } finally {
      await service.value.close();
    }
  });
});
