import { constants, createPrivateKey, privateEncrypt } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import forge from 'node-forge';
import type { Logger } from 'pino';
import { err, ok, type Result } from '../../model/result';

/** The PEM files a profile is signed with, as absolute paths (`appleProfileSigning` in the config). */
export interface ProfileSigningFiles {
  /** The signing certificate first; a full chain may follow it (an ACME `fullchain.pem`). */
  readonly certFile: string;
  /** Its RSA private key, unencrypted. */
  readonly keyFile: string;
  /** Intermediates, the one that issued the certificate first; null when certFile holds them. */
  readonly chainFile: string | null;
}

/** One generation of the signing certificate: replaced as a whole when its files change. */
export interface SigningCredentials {
  readonly certificate: forge.pki.Certificate;
  /** Intermediates sent with every signature, so a device can build the path to a root it trusts. */
  readonly chain: readonly forge.pki.Certificate[];
  readonly key: forge.pki.rsa.PrivateKey;
}

/** The config key the files are named under: every problem message starts with the key it is about. */
const CONFIG_KEY = 'appleProfileSigning';

/**
 * Reads and checks the certificate, key and chain: every problem names the config key and the fix.
 * node-forge signs with RSA only, so an EC certificate or key is refused here, not at the first download.
 */
export function loadSigningCredentials(files: ProfileSigningFiles): Result<SigningCredentials, string[]> {
  const problems: string[] = [];
  const certificates = readCertificates('certFile', files.certFile, problems);
  const chainFromFile = files.chainFile === null ? [] : readCertificates('chainFile', files.chainFile, problems);
  const key = readRsaKey(files.keyFile, problems);
  const [certificate, ...chainInCertFile] = certificates;
  if (problems.length > 0 || certificate === undefined || key === null) return err(problems);
  const chain = [...chainInCertFile, ...chainFromFile];
  const certificateKey = certificate.publicKey as forge.pki.rsa.PublicKey;
  if (certificateKey.n.compareTo(key.n) !== 0 || certificateKey.e.compareTo(key.e) !== 0) {
    problems.push(
      `${CONFIG_KEY}.keyFile: ${files.keyFile} is not the key of the certificate in ${files.certFile} (${subjectOf(certificate)}); name the key that was issued with that certificate`,
    );
  }
  const issuer = chain[0];
  if (issuer !== undefined && !issuer.issued(certificate)) {
    problems.push(
      `${CONFIG_KEY}.chainFile: the first intermediate (${subjectOf(issuer)}) did not issue the certificate (${subjectOf(certificate)}, issued by ${nameOf(certificate.issuer)}); list the intermediates in order, its issuer first`,
    );
  }
  return problems.length > 0 ? err(problems) : ok({ certificate, chain, key });
}

function readText(key: keyof ProfileSigningFiles, path: string, problems: string[]): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    problems.push(`${CONFIG_KEY}.${key}: cannot read ${path} (${code}); fix the path or remove ${CONFIG_KEY}`);
    return null;
  }
}

function readCertificates(key: 'certFile' | 'chainFile', path: string, problems: string[]): forge.pki.Certificate[] {
  const text = readText(key, path, problems);
  if (text === null) return [];
  let blocks: forge.pem.ObjectPEM[];
  try {
    blocks = forge.pem.decode(text).filter((block) => block.type === 'CERTIFICATE');
  } catch {
    blocks = [];
  }
  if (blocks.length === 0) {
    problems.push(
      `${CONFIG_KEY}.${key}: ${path} holds no PEM certificate ("-----BEGIN CERTIFICATE-----"); name a PEM file`,
    );
    return [];
  }
  const certificates: forge.pki.Certificate[] = [];
  for (const block of blocks) {
    try {
      certificates.push(forge.pki.certificateFromAsn1(forge.asn1.fromDer(block.body)));
    } catch (error) {
      problems.push(
        `${CONFIG_KEY}.${key}: ${path} holds a certificate node-forge cannot use (${messageOf(error)}); profiles are signed with RSA only, so use an RSA certificate (certbot: --key-type rsa)`,
      );
      return [];
    }
  }
  return certificates;
}

function readRsaKey(path: string, problems: string[]): forge.pki.rsa.PrivateKey | null {
  const text = readText('keyFile', path, problems);
  if (text === null) return null;
  if (text.includes('ENCRYPTED')) {
    problems.push(
      `${CONFIG_KEY}.keyFile: ${path} is encrypted; store the key without a passphrase (openssl pkey -in key.pem -out plain-key.pem) and keep the file readable only by the service`,
    );
    return null;
  }
  try {
    return withNativeRsa(forge.pki.privateKeyFromPem(text), text);
  } catch (error) {
    problems.push(
      `${CONFIG_KEY}.keyFile: ${path} is not a PEM RSA private key (${messageOf(error)}); profiles are signed with RSA only, so use an RSA key (certbot: --key-type rsa)`,
    );
    return null;
  }
}

/**
 * The key node-forge signs with, its private-key operation done by OpenSSL (node:crypto) instead of
 * in JavaScript: a signed profile then takes a few milliseconds instead of tens to hundreds (2048 bits,
 * measured here), time the event loop would otherwise be blocked for on every first download. The bytes are the same (RSA PKCS #1 v1.5 is deterministic;
 * profile-signer.test.ts compares both): node-forge still builds the whole SignedData and hands over
 * the digest of the signed attributes, and the DigestInfo around it (RFC 8017 §9.2) is written with
 * node-forge's ASN.1 builder, as its own signing does.
 */
function withNativeRsa(key: forge.pki.rsa.PrivateKey, pem: string): forge.pki.rsa.PrivateKey {
  const nativeKey = createPrivateKey(pem);
  const { asn1 } = forge;
  return {
    ...key,
    sign: (md, scheme) => {
      if (typeof md === 'string' || (scheme !== undefined && scheme !== 'RSASSA-PKCS1-V1_5'))
        return key.sign(md, scheme);
      const digestInfo = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oidNamed(md.algorithm)).getBytes()),
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
        ]),
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, md.digest().getBytes()),
      ]);
      const encoded = Buffer.from(asn1.toDer(digestInfo).getBytes(), 'binary');
      return privateEncrypt({ key: nativeKey, padding: constants.RSA_PKCS1_PADDING }, encoded).toString('binary');
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `CN=…, O=…`: how a certificate is named in messages and logs. */
export function nameOf(name: forge.pki.Certificate['subject']): string {
  return name.attributes
    .map((attribute) => `${attribute.shortName ?? attribute.name}=${String(attribute.value)}`)
    .join(', ');
}

const subjectOf = (certificate: forge.pki.Certificate): string => nameOf(certificate.subject);

/** An object identifier by node-forge's name for it; a name it does not know is a programming error. */
function oidNamed(name: string): string {
  const oid = forge.pki.oids[name];
  if (oid === undefined) throw new Error(`node-forge has no object identifier named ${name}`);
  return oid;
}

const OIDS = {
  sha256: oidNamed('sha256'),
  contentType: oidNamed('contentType'),
  messageDigest: oidNamed('messageDigest'),
  data: oidNamed('data'),
};

/**
 * The profile as CMS SignedData (RFC 5652; PKCS #7 as Apple reads it) with the profile itself
 * attached, the certificate and chain included, SHA-256 and RSA (docs/protocols.md §7.6). Signed
 * attributes are the content type and the digest only: no signing time, so the same profile and key
 * always give the same bytes (RSA PKCS #1 v1.5 signatures are deterministic) and the signature can
 * be remembered.
 */
export function signProfile(profile: Buffer, credentials: SigningCredentials): Buffer {
  const signed = forge.pkcs7.createSignedData();
  signed.content = forge.util.createBuffer(profile.toString('binary'));
  signed.addCertificate(credentials.certificate);
  for (const certificate of credentials.chain) signed.addCertificate(certificate);
  signed.addSigner({
    key: credentials.key,
    certificate: credentials.certificate,
    digestAlgorithm: OIDS.sha256,
    authenticatedAttributes: [
      { type: OIDS.contentType, value: OIDS.data },
      // node-forge fills in the digest of the content.
      { type: OIDS.messageDigest },
    ],
  });
  signed.sign();
  return Buffer.from(forge.asn1.toDer(signed.toAsn1()).getBytes(), 'binary');
}

export interface ProfileSignerOptions {
  /** How often, at most, a download checks whether the files changed; 0 checks on every download. */
  readonly recheckMs: number;
  readonly logger: Pick<Logger, 'info' | 'warn'>;
  /** Clock in epoch ms (tests move it). */
  readonly now?: () => number;
}

/**
 * Signs profiles with the configured certificate, and follows the files when they change (an ACME
 * client renews the certificate in place): a download looks at the files' identity and timestamps
 * at most every `recheckMs`, and re-reads them when any changed. A set that does not load (a renewal
 * half written: new certificate, old key) keeps the last good one, logged once per change.
 *
 * Signing still costs milliseconds (the structure and its digests are JavaScript), so the signed bytes are remembered per
 * unsigned profile, which answers.ts already remembers per settings object, and per certificate
 * generation: a repeat download costs a map lookup and, once per `recheckMs`, three stat calls.
 */
export class ProfileSigner {
  private readonly signedProfiles = new WeakMap<Buffer, { credentials: SigningCredentials; signed: Buffer }>();
  private readonly now: () => number;
  private checkedAt: number;

  private constructor(
    private readonly files: ProfileSigningFiles,
    private credentials: SigningCredentials,
    private seenVersion: string,
    private readonly options: ProfileSignerOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.checkedAt = this.now();
  }

  /** Loads the files once at start-up: problems are returned for the start-up report. */
  static open(files: ProfileSigningFiles, options: ProfileSignerOptions): Result<ProfileSigner, string[]> {
    const version = filesVersion(files);
    const credentials = loadSigningCredentials(files);
    if (!credentials.ok) return credentials;
    const signer = new ProfileSigner(files, credentials.value, version, options);
    signer.logLoaded('profile signing certificate loaded');
    return ok(signer);
  }

  /** The profile signed with the current certificate: computed once per profile and certificate. */
  sign(profile: Buffer): Buffer {
    const credentials = this.currentCredentials();
    const known = this.signedProfiles.get(profile);
    if (known?.credentials === credentials) return known.signed;
    const signed = signProfile(profile, credentials);
    this.signedProfiles.set(profile, { credentials, signed });
    return signed;
  }

  /** The certificate generation in use, after the periodic look at the files. */
  currentCredentials(): SigningCredentials {
    const now = this.now();
    if (now - this.checkedAt >= this.options.recheckMs) {
      this.checkedAt = now;
      this.reloadIfChanged();
    }
    return this.credentials;
  }

  private reloadIfChanged(): void {
    const version = filesVersion(this.files);
    if (version === this.seenVersion) return;
    this.seenVersion = version;
    const next = loadSigningCredentials(this.files);
    if (!next.ok) {
      this.options.logger.warn(
        { problems: next.error },
        'profile signing files changed but do not load; still signing with the last good certificate',
      );
      return;
    }
    this.credentials = next.value;
    this.logLoaded('profile signing certificate reloaded');
  }

  private logLoaded(message: string): void {
    const { certificate, chain } = this.credentials;
    const notAfter = certificate.validity.notAfter;
    this.options.logger.info(
      { subject: subjectOf(certificate), chain: chain.map(subjectOf), notAfter: notAfter.toISOString() },
      message,
    );
    if (notAfter.getTime() < this.now()) {
      this.options.logger.warn(
        { subject: subjectOf(certificate), notAfter: notAfter.toISOString() },
        'profile signing certificate has expired: devices show signed profiles as not verified until it is renewed',
      );
    }
  }
}

/** The files' identity, size and timestamps (following symlinks, as ACME clients swap them): any change shows. */
function filesVersion(files: ProfileSigningFiles): string {
  return [files.certFile, files.keyFile, files.chainFile]
    .map((path) => {
      if (path === null) return '';
      try {
        const stat = statSync(path, { bigint: true });
        return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
      } catch {
        return 'unreadable';
      }
    })
    .join('|');
}
