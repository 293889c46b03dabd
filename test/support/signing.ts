import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A test PKI made with the openssl CLI, as a real operator's would be: a root CA, an intermediate
 * it issued, and a signing certificate the intermediate issued (RSA 2048). Devices trust the root
 * only, so a signature verifies against it only when the intermediate travels with the signature.
 */
export interface TestPki {
  readonly folder: string;
  /** The root, which the verifier trusts (openssl cms -verify -CAfile). */
  readonly rootFile: string;
  readonly intermediateFile: string;
  readonly intermediateKeyFile: string;
  /** The signing certificate alone (cert.pem of an ACME client). */
  readonly certFile: string;
  /** The signing certificate, then the intermediate (fullchain.pem). */
  readonly fullchainFile: string;
  readonly keyFile: string;
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Issues a certificate for `name` from `issuer` (its cert and key files) into <prefix>.pem/.key. */
export function issueCertificate(
  folder: string,
  prefix: string,
  name: string,
  issuer: { readonly certFile: string; readonly keyFile: string },
  extensions: string,
  keyAlgorithm: readonly string[] = ['-newkey', 'rsa:2048'],
): { certFile: string; keyFile: string } {
  const extFile = path.join(folder, `${prefix}.ext`);
  writeFileSync(extFile, extensions);
  openssl(
    [
      'req',
      ...keyAlgorithm,
      '-nodes',
      '-keyout',
      `${prefix}.key`,
      '-out',
      `${prefix}.csr`,
      '-subj',
      `/CN=${name}/O=Test`,
    ],
    folder,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${prefix}.csr`,
      '-CA',
      issuer.certFile,
      '-CAkey',
      issuer.keyFile,
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      `${prefix}.pem`,
      '-extfile',
      extFile,
    ],
    folder,
  );
  return { certFile: path.join(folder, `${prefix}.pem`), keyFile: path.join(folder, `${prefix}.key`) };
}

const CA_EXTENSIONS = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n';
/** A signing certificate with no extended key usage: good for S/MIME signing, so openssl's default purpose passes. */
export const SIGNER_EXTENSIONS = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n';

export function makeTestPki(signerName = 'profiles.example.test'): TestPki {
  const folder = mkdtempSync(path.join(tmpdir(), 'profile-signing-'));
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'root.key',
      '-out',
      'root.pem',
      '-days',
      '2',
      '-subj',
      '/CN=Test Root CA/O=Test',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    folder,
  );
  const root = { certFile: path.join(folder, 'root.pem'), keyFile: path.join(folder, 'root.key') };
  const intermediate = issueCertificate(folder, 'intermediate', 'Test Intermediate CA', root, CA_EXTENSIONS);
  const signer = issueCertificate(folder, 'signer', signerName, intermediate, SIGNER_EXTENSIONS);
  const fullchainFile = path.join(folder, 'fullchain.pem');
  writeFileSync(fullchainFile, readFileSync(signer.certFile, 'utf8') + readFileSync(intermediate.certFile, 'utf8'));
  return {
    folder,
    rootFile: root.certFile,
    intermediateFile: intermediate.certFile,
    intermediateKeyFile: intermediate.keyFile,
    certFile: signer.certFile,
    fullchainFile,
    keyFile: signer.keyFile,
  };
}

/** Another signing certificate from the test intermediate (a renewal, another key, an EC key). */
export function issueSigner(
  pki: TestPki,
  prefix: string,
  name: string,
  keyAlgorithm?: readonly string[],
): { certFile: string; keyFile: string } {
  return issueCertificate(
    pki.folder,
    prefix,
    name,
    { certFile: pki.intermediateFile, keyFile: pki.intermediateKeyFile },
    SIGNER_EXTENSIONS,
    keyAlgorithm,
  );
}

export interface CmsVerification {
  /** openssl cms -verify exited 0. */
  readonly verified: boolean;
  /** The attached content openssl extracted. */
  readonly content: Buffer;
  /** Subject of the certificate that signed, as openssl found it (`-signer`), one attribute a line. */
  readonly signerSubject: string;
  readonly stderr: string;
}

/** `openssl cms -verify -inform DER -CAfile <root>`: the signature, the chain to the root, the content. */
export function verifyCms(der: Buffer, rootFile: string, extraArgs: readonly string[] = []): CmsVerification {
  const folder = mkdtempSync(path.join(tmpdir(), 'cms-verify-'));
  const input = path.join(folder, 'signed.der');
  const output = path.join(folder, 'content');
  const signer = path.join(folder, 'signer.pem');
  writeFileSync(input, der);
  const run = spawnSync(
    'openssl',
    [
      'cms',
      '-verify',
      '-inform',
      'DER',
      '-in',
      input,
      '-CAfile',
      rootFile,
      '-out',
      output,
      '-signer',
      signer,
      ...extraArgs,
    ],
    { encoding: 'utf8' },
  );
  const readIfWritten = (file: string): Buffer | null => {
    try {
      return readFileSync(file);
    } catch {
      // Nothing written: verification failed before it got there.
      return null;
    }
  };
  const signerPem = readIfWritten(signer);
  return {
    verified: run.status === 0,
    content: readIfWritten(output) ?? Buffer.alloc(0),
    signerSubject: signerPem === null ? '' : new X509Certificate(signerPem).subject,
    stderr: run.stderr,
  };
}

/** `openssl cms -cmsout -print`: the SignedData structure as openssl reads it. */
export function printCms(der: Buffer): string {
  return execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER'], { input: der, encoding: 'utf8' });
}
