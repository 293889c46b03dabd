import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { AccountQuery, DirectoryAnswer } from '../../src/directory/account-directory';
import { loadConfig } from '../../src/config/load';
import { createServices, type Services } from '../../src/services';

let folder: string;
let file: string;
let services: Services;

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
  folder = mkdtempSync(path.join(tmpdir(), 'services-reload-'));
  file = path.join(folder, 'accounts.json');
  writeAccounts('pop');
  const configFile = path.join(folder, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({ directory: { file: 'accounts.json', reloadDelayMs: 20 }, cache: { ttlSeconds: 3600 } }),
  );
  const loaded = loadConfig({ CONFIG_FILE: configFile }, folder);
  if (!loaded.ok) throw new Error(loaded.error.join('\n'));
  const created = await createServices(loaded.value, pino({ level: 'silent' }));
  if (!created.ok) throw new Error(created.error.join('\n'));
  services = created.value;
});

afterEach(async () => {
  await services.close();
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
    const answer = await services.directory.lookup(query);
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
  expect(await services.directory.lookup(query)).toMatchObject({ hosted: true, accessType: 'pop' });
  writeAccounts('business');
  expect(await eventually(query, { accessType: 'business' })).toMatchObject({ hosted: true, accessType: 'business' });
});
