import { copyFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import {
  loadSigningCredentials,
  ProfileSigner,
  signProfile,
  type ProfileSigningFiles,
} from '../../src/protocols/mobileconfig/profile-signer';
import { renderAppleProfile } from '../../src/protocols/mobileconfig/render';
import { issueSigner, makeTestPki, printCms, verifyCms } from '../support/signing';
import { EXAMPLE_CONFIG, settingsFor } from '../support/settings';

const pki = makeTestPki();
const profile = Buffer.from(
  renderAppleProfile(settingsFor('business.user@example.com', 'business'), EXAMPLE_CONFIG.provider),
  'utf8',
);

/** The files as an operator lists them: certificate, key and intermediates apart. */
const separateFiles: ProfileSigningFiles = {
  certFile: pki.certFile,
  keyFile: pki.keyFile,
  chainFile: pki.intermediateFile,
};

function credentialsOf(files: ProfileSigningFiles) {
  const loaded = loadSigningCredentials(files);
  if (!loaded.ok) throw new Error(loaded.error.join('\n'));
  return loaded.value;
}

const silentLogger = () => ({ info: jest.fn(), warn: jest.fn() });

describe('signProfile: CMS SignedData that openssl verifies against the root alone', () => {
  test.each([
    ['certificate, key and chain files', separateFiles],
    ['a full chain in certFile, no chainFile', { certFile: pki.fullchainFile, keyFile: pki.keyFile, chainFile: null }],
  ])('%s › verified, and the attached content is the exact unsigned profile', (_case, files) => {
    const signed = signProfile(profile, credentialsOf(files));
    // The exact check of the README: only the root is trusted, so the intermediate must be in the signature.
    const verification = verifyCms(signed, pki.rootFile);
    expect(verification.stderr).toContain('Verification successful');
    expect(verification.verified).toBe(true);
    expect(verification.content.equals(profile)).toBe(true);
  });

  test('the structure: data attached, SHA-256, both certificates, content type and digest signed, no signing time', () => {
    const printed = printCms(signProfile(profile, credentialsOf(separateFiles)));
    expect(printed).toContain('contentType: pkcs7-signedData (1.2.840.113549.1.7.2)');
    expect(printed).toContain('eContentType: pkcs7-data (1.2.840.113549.1.7.1)');
    expect(printed).toMatch(/digestAlgorithm:\s+algorithm: sha256/);
    expect(printed).toContain('CN=profiles.example.test');
    expect(printed).toContain('CN=Test Intermediate CA');
    expect(printed).toContain('object: contentType (1.2.840.113549.1.9.3)');
    expect(printed).toContain('object: messageDigest (1.2.840.113549.1.9.4)');
    expect(printed).not.toContain('signingTime');
  });

  test('the same profile and key give the same bytes (no clock in the signature)', () => {
    const credentials = credentialsOf(separateFiles);
    expect(signProfile(profile, credentials).equals(signProfile(profile, credentials))).toBe(true);
  });

  test("the RSA operation done by OpenSSL gives node-forge's own signature, byte for byte", () => {
    const credentials = credentialsOf(separateFiles);
    const forgeOnlyKey = forge.pki.privateKeyFromPem(readFileSync(pki.keyFile, 'utf8'));
    expect(signProfile(profile, { ...credentials, key: forgeOnlyKey }).equals(signProfile(profile, credentials))).toBe(
      true,
    );
  });

  test('without the intermediate the root cannot be reached: the chain is what makes it verify', () => {
    const signed = signProfile(profile, { ...credentialsOf(separateFiles), chain: [] });
    expect(verifyCms(signed, pki.rootFile).verified).toBe(false);
  });
});

describe('loadSigningCredentials: start-up problems name the key and the fix', () => {
  const missing = path.join(pki.folder, 'missing.pem');
  const notPem = path.join(pki.folder, 'not-pem.txt');
  writeFileSync(notPem, 'hello\n');
  const encryptedKey = path.join(pki.folder, 'encrypted.key');
  writeFileSync(encryptedKey, '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n');
  const ec = issueSigner(pki, 'ec-signer', 'ec.example.test', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  const other = issueSigner(pki, 'other-signer', 'other.example.test');

  test.each([
    [
      'certificate file missing',
      { ...separateFiles, certFile: missing },
      /^appleProfileSigning\.certFile: cannot read .*missing\.pem \(ENOENT\); fix the path/,
    ],
    [
      'key file missing',
      { ...separateFiles, keyFile: missing },
      /^appleProfileSigning\.keyFile: cannot read .*\(ENOENT\)/,
    ],
    ['chain file missing', { ...separateFiles, chainFile: missing }, /^appleProfileSigning\.chainFile: cannot read/],
    [
      'certificate file not PEM',
      { ...separateFiles, certFile: notPem },
      /^appleProfileSigning\.certFile: .* holds no PEM certificate/,
    ],
    [
      'key file not PEM',
      { ...separateFiles, keyFile: notPem },
      /^appleProfileSigning\.keyFile: .* is not a PEM RSA private key/,
    ],
    [
      'encrypted key',
      { ...separateFiles, keyFile: encryptedKey },
      /^appleProfileSigning\.keyFile: .* is encrypted; store the key without a passphrase/,
    ],
    [
      'EC certificate (ACME default)',
      { ...separateFiles, certFile: ec.certFile },
      /^appleProfileSigning\.certFile: .*RSA only, so use an RSA certificate \(certbot: --key-type rsa\)/,
    ],
    ['EC key', { ...separateFiles, keyFile: ec.keyFile }, /^appleProfileSigning\.keyFile: .*RSA only/],
    [
      'key of another certificate',
      { ...separateFiles, keyFile: other.keyFile },
      /^appleProfileSigning\.keyFile: .* is not the key of the certificate in .* \(CN=profiles\.example\.test, O=Test\)/,
    ],
    [
      'chain that did not issue the certificate',
      { ...separateFiles, chainFile: pki.rootFile },
      /^appleProfileSigning\.chainFile: the first intermediate \(CN=Test Root CA, O=Test\) did not issue the certificate/,
    ],
  ])('%s', (_case, files, message) => {
    const loaded = loadSigningCredentials(files);
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.error).toEqual([expect.stringMatching(message)]);
  });
});

describe('ProfileSigner: remembered signatures, certificate files followed without a restart', () => {
  /** A folder the signer reads from, whose files a test replaces the way an ACME client renews them. */
  function renewableFiles(): ProfileSigningFiles {
    const files = {
      certFile: path.join(pki.folder, `live-${Math.random().toString(36).slice(2)}.pem`),
      keyFile: path.join(pki.folder, `live-${Math.random().toString(36).slice(2)}.key`),
      chainFile: pki.intermediateFile,
    };
    copyFileSync(pki.certFile, files.certFile);
    copyFileSync(pki.keyFile, files.keyFile);
    return files;
  }

  function replaceFile(target: string, source: string): void {
    const temporary = `${target}.new`;
    copyFileSync(source, temporary);
    renameSync(temporary, target);
  }

  function signerOf(files: ProfileSigningFiles, now: () => number, logger = silentLogger()): ProfileSigner {
    const opened = ProfileSigner.open(files, { recheckMs: 60_000, logger, now });
    if (!opened.ok) throw new Error(opened.error.join('\n'));
    return opened.value;
  }

  const signerSubjectOf = (signed: Buffer): string => verifyCms(signed, pki.rootFile).signerSubject;

  test('a repeat costs a lookup: the very same signed bytes for the same profile', () => {
    const signer = signerOf(separateFiles, () => 0);
    const first = signer.sign(profile);
    expect(signer.sign(profile)).toBe(first);
    expect(verifyCms(first, pki.rootFile).verified).toBe(true);
  });

  test('renewed files are read once the recheck interval has passed, and sign from then on', () => {
    const files = renewableFiles();
    let clock = 0;
    const logger = silentLogger();
    const signer = signerOf(files, () => clock, logger);
    const before = signer.sign(profile);
    const renewed = issueSigner(pki, 'renewed-signer', 'renewed.example.test');
    replaceFile(files.certFile, renewed.certFile);
    replaceFile(files.keyFile, renewed.keyFile);
    // Within the interval nothing is looked at: still the first certificate, still the remembered bytes.
    clock = 59_999;
    expect(signer.sign(profile)).toBe(before);
    clock = 60_000;
    const after = signer.sign(profile);
    expect(after).not.toBe(before);
    const verification = verifyCms(after, pki.rootFile);
    expect(verification.verified).toBe(true);
    expect(verification.content.equals(profile)).toBe(true);
    expect(signerSubjectOf(after)).toBe('CN=renewed.example.test\nO=Test');
    expect(logger.info).toHaveBeenLastCalledWith(
      expect.objectContaining({ subject: 'CN=renewed.example.test, O=Test' }),
      'profile signing certificate reloaded',
    );
  });

  test('a renewal caught half-way (new certificate, old key) keeps the last good certificate until the key follows', () => {
    const files = renewableFiles();
    let clock = 0;
    const logger = silentLogger();
    const signer = signerOf(files, () => clock, logger);
    const renewed = issueSigner(pki, 'half-renewed-signer', 'half-renewed.example.test');
    replaceFile(files.certFile, renewed.certFile);
    clock = 60_000;
    expect(signerSubjectOf(signer.sign(profile))).toBe('CN=profiles.example.test\nO=Test');
    expect(logger.warn).toHaveBeenCalledWith(
      { problems: [expect.stringMatching(/^appleProfileSigning\.keyFile: .* is not the key of the certificate/)] },
      'profile signing files changed but do not load; still signing with the last good certificate',
    );
    replaceFile(files.keyFile, renewed.keyFile);
    clock = 120_000;
    expect(signerSubjectOf(signer.sign(profile))).toBe('CN=half-renewed.example.test\nO=Test');
  });
});
