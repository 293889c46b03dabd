import { statSync, watch, type BigIntStats, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import { readDataFile } from '../config/read-data-file';
import { err, ok, type Result } from '../model/result';
import type { AccountDirectory, AccountQuery, DirectoryAnswer } from './account-directory';
import { applyDomainDefault } from './apply-domain-default';
import { parseDirectoryData, recordsFromData, type DirectoryData } from './directory-data';

/** Reads and validates a JSON/YAML account file; every problem is listed. */
export function readDirectoryFile(path: string): Result<DirectoryData, string[]> {
  const raw = readDataFile(path);
  if (!raw.ok) return err([raw.error]);
  return parseDirectoryData(path, raw.value);
}

/** What one re-read of the watched file did: the domains whose answers changed, or why it was refused. */
export type ReloadOutcome =
  | { readonly ok: true; readonly changedDomains: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] };

export interface FileWatchOptions {
  /** Quiet time after the last file-system event before re-reading (an editor's save is several events). */
  readonly reloadDelayMs: number;
  readonly logger: Pick<Logger, 'info' | 'warn'>;
  /** Called after every re-read, refused ones included (onChange hears only the changes). */
  readonly onReload?: (outcome: ReloadOutcome) => void;
}

/**
 * The account directory kept in a file next to the config (the embedded default).
 *
 * With `watch`, the file's folder is watched, not the file: editors and config managers (and
 * Kubernetes ConfigMap symlink swaps) replace the file by rename, which a watch on the old inode
 * would miss. Any event in the folder schedules a re-read; the file is re-read only when its
 * identity or timestamps changed. A valid file replaces the data in one assignment; a broken one
 * keeps the last good data and logs one warning with every problem.
 */
export class FileDirectory implements AccountDirectory {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private seen = '';
  private readonly changeListeners: Array<(changedDomains: readonly string[]) => void> = [];

  private constructor(private data: DirectoryData) {}

  static open(path: string, watchOptions?: FileWatchOptions): Result<FileDirectory, string[]> {
    const seen = fileVersion(path);
    const data = readDirectoryFile(path);
    if (!data.ok) return data;
    const directory = new FileDirectory(data.value);
    if (watchOptions !== undefined) {
      const started = directory.watch(path, seen, watchOptions);
      if (!started.ok) return err([started.error]);
    }
    return ok(directory);
  }

  static fromData(data: DirectoryData): FileDirectory {
    return new FileDirectory(data);
  }

  async lookup(query: AccountQuery): Promise<DirectoryAnswer> {
    return applyDomainDefault(query, recordsFromData(this.data, query));
  }

  /** After each accepted re-read that changed answers: the domains whose answers changed. */
  onChange(listener: (changedDomains: readonly string[]) => void): void {
    this.changeListeners.push(listener);
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
  }

  private watch(path: string, seen: string, options: FileWatchOptions): Result<void, string> {
    this.seen = seen;
    try {
      this.watcher = watch(dirname(path), { persistent: false }, () => {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.reload(path, options), options.reloadDelayMs);
        this.timer.unref();
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      return err(
        `${dirname(path)}: cannot be watched for changes (${code}); set directory.watch to false to read ${basename(path)} only at start-up`,
      );
    }
    this.watcher.on('error', (error) => {
      options.logger.warn(
        { err: error, file: path },
        'account file watcher failed; the last good account data is kept until restart',
      );
      void this.close();
    });
    return ok(undefined);
  }

  private reload(path: string, options: FileWatchOptions): void {
    if (this.watcher === undefined) return;
    const version = fileVersion(path);
    if (version === this.seen) return;
    this.seen = version;
    const next = readDirectoryFile(path);
    if (!next.ok) {
      options.logger.warn(
        { file: path, problems: next.error },
        'account file change refused; still answering from the last good data',
      );
      options.onReload?.({ ok: false, problems: next.error });
      return;
    }
    const changedDomains = changedDomainsOf(this.data, next.value);
    this.data = next.value;
    options.logger.info(
      { file: path, domains: next.value.domains.size, changedDomains: changedDomains.length },
      'account file reloaded',
    );
    options.onReload?.({ ok: true, changedDomains });
    if (changedDomains.length > 0) for (const listener of this.changeListeners) listener(changedDomains);
  }
}

/** The file's identity and timestamps (nanoseconds), or "missing": a change is a different string. */
function fileVersion(path: string): string {
  let stats: BigIntStats;
  try {
    stats = statSync(path, { bigint: true });
  } catch {
    return 'missing';
  }
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
}

/** Domains added, removed, or with any different answer (default type, platform, an account, a display name). */
export function changedDomainsOf(before: DirectoryData, after: DirectoryData): string[] {
  const changed: string[] = [];
  for (const name of new Set([...before.domains.keys(), ...after.domains.keys()])) {
    const old = before.domains.get(name);
    const now = after.domains.get(name);
    if (
      old === undefined ||
      now === undefined ||
      old.defaultAccessType !== now.defaultAccessType ||
      JSON.stringify(old.platform) !== JSON.stringify(now.platform) ||
      old.accounts.size !== now.accounts.size
    ) {
      changed.push(name);
      continue;
    }
    for (const [mailbox, account] of now.accounts) {
      const previous = old.accounts.get(mailbox);
      if (previous?.accessType !== account.accessType || previous.displayName !== account.displayName) {
        changed.push(name);
        break;
      }
    }
  }
  return changed;
}
