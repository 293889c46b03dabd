import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { FileDirectory, type ReloadOutcome } from '../../src/directory/file-directory';

/** Waits for the next reload event, failing after a bounded time instead of hanging. */
class ReloadEvents {
  private waiting: ((outcome: ReloadOutcome) => void) | undefined;
  private readonly seen: ReloadOutcome[] = [];

  readonly onReload = (outcome: ReloadOutcome): void => {
    this.seen.push(outcome);
    this.waiting?.(outcome);
  };

  next(limitMs = 5000): Promise<ReloadOutcome> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reload within ${limitMs} ms`)), limitMs);
      this.waiting = (outcome) => {
        clearTimeout(timer);
        this.waiting = undefined;
        resolve(outcome);
      };
    });
  }

  get count(): number {
    return this.seen.length;
  }
}

function accounts(defaultAccessType: 'pop' | 'business', extra: object[] = []): string {
  return JSON.stringify({
    domains: [
      { domain: 'example.com', defaultAccessType },
      { domain: 'example.net', defaultAccessType: 'pop' },
    ],
    accounts: [{ address: 'jane@example.net', accessType: 'business', displayName: 'Jane' }, ...extra],
  });
}

let folder: string;
let file: string;
let events: ReloadEvents;
let warnings: Record<string, unknown>[];
let directory: FileDirectory;

beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'accounts-'));
  file = path.join(folder, 'accounts.json');
  writeFileSync(file, accounts('pop'));
  events = new ReloadEvents();
  warnings = [];
  const logger = pino(
    { level: 'warn' },
    { write: (line: string) => void warnings.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const opened = FileDirectory.open(file, { reloadDelayMs: 20, logger, onReload: events.onReload });
  if (!opened.ok) throw new Error(opened.error.join('\n'));
  directory = opened.value;
});

afterEach(async () => {
  await directory.close();
  rmSync(folder, { recursive: true, force: true });
});

const defaultOf = async (domain: string) => directory.lookup({ domain, address: null });

test('an edit in place › new data answers, and only the changed domain is reported', async () => {
  const reloaded = events.next();
  writeFileSync(file, accounts('business'));
  expect(await reloaded).toEqual({ ok: true, changedDomains: ['example.com'] });
  expect(await defaultOf('example.com')).toMatchObject({ hosted: true, accessType: 'business' });
});

test('a replacement by rename (how editors save) › new data answers', async () => {
  const reloaded = events.next();
  const temporary = path.join(folder, '.accounts.json.swp');
  writeFileSync(temporary, accounts('pop', [{ address: 'New.User@example.com', accessType: 'business' }]));
  renameSync(temporary, file);
  expect(await reloaded).toEqual({ ok: true, changedDomains: ['example.com'] });
  expect(await directory.lookup({ domain: 'example.com', address: 'new.user@example.com' })).toMatchObject({
    mailbox: 'known',
    accessType: 'business',
  });
});

test('a broken edit › keeps the last good data and logs one warning naming the problem', async () => {
  const refused = events.next();
  writeFileSync(file, '{"domains": [ {"domain": "example.com", "defaultAccessType": "imap"} ]}');
  const outcome = await refused;
  expect(outcome).toEqual({
    ok: false,
    problems: [
      `${file}: domains.0.defaultAccessType must be "pop" (POP access) or "business" (Business Mail), got "imap"`,
    ],
  });
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({ level: 40, file, problems: outcome.ok ? [] : outcome.problems });
  expect(await defaultOf('example.com')).toMatchObject({ hosted: true, accessType: 'pop' });
  expect(await directory.lookup({ domain: 'example.net', address: 'jane@example.net' })).toMatchObject({
    mailbox: 'known',
    accessType: 'business',
  });

  const fixed = events.next();
  writeFileSync(file, accounts('business'));
  expect(await fixed).toEqual({ ok: true, changedDomains: ['example.com'] });
  expect(await defaultOf('example.com')).toMatchObject({ accessType: 'business' });
});

test('invalid JSON and a deleted file › refused, last good data kept', async () => {
  const badJson = events.next();
  writeFileSync(file, '{"domains": [');
  expect(JSON.stringify(await badJson)).toContain('is not valid JSON');
  const deleted = events.next();
  rmSync(file);
  expect(JSON.stringify(await deleted)).toContain('cannot be read (ENOENT)');
  expect(await defaultOf('example.net')).toMatchObject({ hosted: true, accessType: 'pop' });
});

test('a removed domain › reported as changed and no longer hosted', async () => {
  const reloaded = events.next();
  writeFileSync(file, JSON.stringify({ domains: [{ domain: 'example.com', defaultAccessType: 'pop' }] }));
  expect(await reloaded).toEqual({ ok: true, changedDomains: ['example.net'] });
  expect(await defaultOf('example.net')).toEqual({ hosted: false });
});

test('close() › stops watching (no event within a bounded wait)', async () => {
  await directory.close();
  writeFileSync(file, accounts('business'));
  await expect(events.next(400)).rejects.toThrow('no reload');
  expect(events.count).toBe(0);
  expect(await defaultOf('example.com')).toMatchObject({ accessType: 'pop' });
});

test('an unrelated file in the folder › no reload of unchanged data', async () => {
  writeFileSync(path.join(folder, 'notes.txt'), 'hello');
  await expect(events.next(400)).rejects.toThrow('no reload');
});
