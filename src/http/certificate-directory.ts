import { existsSync, readdirSync, readFileSync, statSync, watch, type FSWatcher, type Stats } from 'node:fs';
import path from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { Logger } from 'pino';

/**
 * The file names of one certificate pair, as the tools that write them name them: certbot's
 * `live/<name>/` folder and a Kubernetes TLS secret (cert-manager) mounted as a folder.
 */
const PAIR_LAYOUTS = [
  { layout: 'certbot', cert: 'fullchain.pem', key: 'privkey.pem' },
  { layout: 'kubernetes-tls-secret', cert: 'tls.crt', key: 'tls.key' },
] as const;

/** A change is read once it has been quiet this long: certbot and kubelet write several files per renewal. */
const SETTLE_MS = 250;

export interface LoadedPair {
  /** The certificate file's path: one folder may hold a pair of each layout. */
  readonly certPath: string;
  /** Which files were read, and as what they were when read: unchanged files are not read again. */
  readonly fingerprint: string;
  readonly context: SecureContext;
  /** Exact names and `*.suffix` wildcards from the certificate's subjectAltName (or its CN without one). */
  readonly names: readonly string[];
  readonly notAfter: number;
}

export interface CertificateScan {
  readonly pairs: readonly LoadedPair[];
  /** A pair that could not be used: named by folder and reason. */
  readonly problems: readonly string[];
}

/** The folders that may hold a pair: the root itself, its subfolders, and those of its `live/` (certbot's config folder). */
function candidateFolders(root: string): string[] {
  const subfolders = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true })
      // Kubernetes keeps the real files in `..<timestamp>` folders behind `..data`: read through the links.
      .filter((entry) => !entry.name.startsWith('.') && (entry.isDirectory() || entry.isSymbolicLink()))
      .map((entry) => path.join(folder, entry.name))
      .filter((folder) => statSync(folder, { throwIfNoEntry: false })?.isDirectory() === true);
  const live = path.join(root, 'live');
  return [root, ...subfolders(root), ...(existsSync(live) ? subfolders(live) : [])];
}

function fingerprintOf(stats: Stats): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

/** The DNS names a certificate is for, lower-cased; its subject's CN only when it has no subjectAltName. */
export function certificateNames(certificate: X509Certificate): string[] {
  const altNames = certificate.subjectAltName;
  if (altNames !== undefined) {
    return altNames
      .split(', ')
      .filter((entry) => entry.startsWith('DNS:'))
      .map((entry) => entry.slice('DNS:'.length).toLowerCase());
  }
  const commonName = /^CN=(.+)$/m.exec(certificate.subject)?.[1];
  return commonName === undefined ? [] : [commonName.toLowerCase()];
}

/**
 * Reads every pair under `root`. `previous` pairs whose files did not change are kept as they were;
 * a pair that fails to load keeps its previous version (a renewal half written), reported as a problem.
 */
export function scanCertificateDirectory(root: string, previous: readonly LoadedPair[] = []): CertificateScan {
  const before = new Map(previous.map((pair) => [pair.certPath, pair]));
  const pairs: LoadedPair[] = [];
  const problems: string[] = [];
  let folders: string[];
  try {
    folders = candidateFolders(root);
  } catch (error) {
    return { pairs: previous, problems: [`cannot read ${root} (${(error as NodeJS.ErrnoException).code ?? 'error'})`] };
  }
  for (const folder of folders) {
    for (const { cert, key } of PAIR_LAYOUTS) {
      const certPath = path.join(folder, cert);
      const keyPath = path.join(folder, key);
      const certStats = statSync(certPath, { throwIfNoEntry: false });
      const keyStats = statSync(keyPath, { throwIfNoEntry: false });
      if (certStats === undefined && keyStats === undefined) continue;
      const earlier = before.get(certPath);
      if (certStats === undefined || keyStats === undefined) {
        problems.push(
          `${folder}: has ${certStats === undefined ? key : cert} but not ${certStats === undefined ? cert : key}`,
        );
        if (earlier !== undefined) pairs.push(earlier);
        continue;
      }
      const fingerprint = `${fingerprintOf(certStats)}|${fingerprintOf(keyStats)}`;
      if (earlier?.fingerprint === fingerprint) {
        pairs.push(earlier);
        continue;
      }
      try {
        const certPem = readFileSync(certPath);
        const keyPem = readFileSync(keyPath);
        const certificate = new X509Certificate(certPem);
        // Throws when the key is not the certificate's ("key values mismatch").
        const context = createSecureContext({ cert: certPem, key: keyPem });
        pairs.push({
          certPath,
          fingerprint,
          context,
          names: certificateNames(certificate),
          notAfter: Date.parse(certificate.validTo),
        });
      } catch (error) {
        problems.push(`${folder}: ${cert}/${key} cannot be used (${(error as Error).message})`);
        if (earlier !== undefined) pairs.push(earlier);
      }
    }
  }
  return { pairs, problems };
}

/** Name → the pair to serve it: among pairs naming it, the one valid longest (a renewed pair beside the old one). */
export function indexByName(pairs: readonly LoadedPair[]): Map<string, LoadedPair> {
  const byName = new Map<string, LoadedPair>();
  for (const pair of pairs) {
    for (const name of pair.names) {
      const known = byName.get(name);
      if (known === undefined || pair.notAfter > known.notAfter) byName.set(name, pair);
    }
  }
  return byName;
}

/**
 * The pair for a TLS server name: exact name first, then the wildcard one label up (`*.example.com`
 * covers `a.example.com`, not `example.com` or `a.b.example.com`, as RFC 6125 §6.4.3 matches), else null.
 */
export function pairFor<Pair>(byName: ReadonlyMap<string, Pair>, serverName: string): Pair | null {
  const name = serverName.toLowerCase().replace(/\.$/, '');
  const exact = byName.get(name);
  if (exact !== undefined) return exact;
  const dot = name.indexOf('.');
  if (dot <= 0) return null;
  return byName.get(`*${name.slice(dot)}`) ?? null;
}

/**
 * server.https.certificateDirectory at run time: the pairs by name for the HTTPS listener's SNI
 * callback, reread when files change (fs.watch, and a re-scan every `rescanSeconds` for changes the
 * watch misses: network file systems, a watch that failed) without a restart (docs/protocols.md §12.2).
 */
export class CertificateDirectory {
  private byName: Map<string, LoadedPair>;
  private pairs: readonly LoadedPair[];
  private watcher: FSWatcher | null = null;
  private rescanTimer: NodeJS.Timeout | null = null;
  private settleTimer: NodeJS.Timeout | null = null;

  private constructor(
    readonly root: string,
    scan: CertificateScan,
  ) {
    this.pairs = scan.pairs;
    this.byName = indexByName(scan.pairs);
  }

  /** The first scan; problems name the config key and the fix, as start-up reports them. */
  static load(root: string, hasDefaultPair: boolean): CertificateDirectory | string[] {
    const scan = scanCertificateDirectory(root);
    const key = 'server.https.certificateDirectory';
    if (scan.problems.length > 0) return scan.problems.map((problem) => `${key}: ${problem}; fix or remove that pair`);
    if (scan.pairs.length === 0 && !hasDefaultPair)
      return [
        `${key}: no certificate pair in ${root} (certbot live/<name>/fullchain.pem + privkey.pem, or <secret>/tls.crt + tls.key); add one or set certFile and keyFile`,
      ];
    return new CertificateDirectory(root, scan);
  }

  /** The context to serve `serverName` with, or null for the listener's default pair. */
  contextFor(serverName: string): SecureContext | null {
    return pairFor(this.byName, serverName)?.context ?? null;
  }

  /** How many pairs are loaded and which names they serve (for the log line of a reload). */
  get names(): string[] {
    return [...this.byName.keys()].sort();
  }

  /** Rereads changed files now; returns the problems of this scan (the previous pairs stay for those). */
  rescan(logger: Logger | null = null): readonly string[] {
    const scan = scanCertificateDirectory(this.root, this.pairs);
    const changed = scan.pairs.length !== this.pairs.length || scan.pairs.some((pair, at) => pair !== this.pairs[at]);
    this.pairs = scan.pairs;
    if (changed) {
      this.byName = indexByName(scan.pairs);
      logger?.info({ certificateDirectory: this.root, names: this.names }, 'certificates reloaded');
    }
    for (const problem of scan.problems)
      logger?.warn({ certificateDirectory: this.root, problem }, 'certificate pair not reloaded');
    return scan.problems;
  }

  /**
   * Watches for changes until close(); neither the watch nor the timer keeps the process alive.
   * `watchFolder` is fs.watch, replaced in tests by one that fails as it can (inotify's watch limit: ENOSPC).
   */
  watch(logger: Logger, rescanSeconds: number, watchFolder: typeof watch = watch): void {
    if (this.watcher !== null || this.rescanTimer !== null) return;
    const settled = (): void => {
      if (this.settleTimer !== null) clearTimeout(this.settleTimer);
      this.settleTimer = setTimeout(() => {
        this.settleTimer = null;
        this.rescan(logger);
      }, SETTLE_MS);
      this.settleTimer.unref();
    };
    try {
      this.watcher = watchFolder(this.root, { recursive: true, persistent: false }, settled);
      this.watcher.on('error', (error) => {
        logger.warn(
          { err: error, certificateDirectory: this.root },
          'certificate watch failed; re-scanning on a timer only',
        );
        this.watcher?.close();
        this.watcher = null;
      });
    } catch (error) {
      logger.warn(
        { err: error, certificateDirectory: this.root },
        'cannot watch certificates; re-scanning on a timer only',
      );
    }
    this.rescanTimer = setInterval(() => this.rescan(logger), rescanSeconds * 1000);
    this.rescanTimer.unref();
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
    for (const timer of [this.rescanTimer, this.settleTimer]) if (timer !== null) clearTimeout(timer);
    this.rescanTimer = null;
    this.settleTimer = null;
  }
}
