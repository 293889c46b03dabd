import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { AccountQuery, DirectoryAnswer } from '../../src/directory/account-directory';
import { loadConfig } from '../../src/config/load';
import { composeService, type Service } from '../../src/compose';

let folder: string;
let file: string;
let service: Service;

function writeAccounts(comDefault: 'pop' | 'business'): void {
  writeFileSync(
    file,
    JSON.stringify({
      domains: [
        { domain: 'example.com', defaultAccessType: comDefault },
        { domain: 'example.org', defaultAccessType: 'business' },
      ],
    }),
  );
}

beforeEach(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'compose-reload-'));
  file = path.join(folder, 'accounts.json');
  writeAccounts('pop');
  const configFile = path.join(folder, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({ directory: { file: 'accounts.json', reloadDelayMs: 20 }, cache: { ttlSeconds: 3600 } }),
  );
  const loaded = loadConfig({ CONFIG_FILE: configFile }, folder);
  if (!loaded.ok) throw new Error(loaded.error.join('\n'));
  const composed = await composeService(loaded.value, pino({ level: 'silent' }));
  if (!composed.ok) throw new Error(composed.error.join('\n'));
  service = composed.value;
});

afterEach(async () => {
  await service.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Asks until the answer matches, for at most `limitMs` (the reload is asynchronous). */
async function eventually(
  query: AccountQuery,
  expected: Partial<DirectoryAnswer>,
  limitMs = 5000,
): Promise<DirectoryAnswer> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const answer = await service.directory.lookup(query);
    if (
      Object.entries(expected).every(([key, value]) => (answer as Record<string, unknown>)[key] === value) ||
      Date.now() > deadline
    )
      return answer;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a reloaded account file drops the cached answers it changed, despite a one-hour TTL', async () => {
  const query = { domain: 'example.com', address: null };
  expect(await service.directory.lookup(query)).toMatchObject({ hosted: true, accessType: 'pop' });
  writeAccounts('business');
  expect(await eventually(query, { accessType: 'business' })).toMatchObject({ hosted: true, accessType: 'business' });
});
