import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/load';
import { DirectoryUnavailableError } from '../../src/directory/account-directory';
import { createDirectorySource } from '../../src/directory/create-directory-source';
import { FileDirectory } from '../../src/directory/file-directory';
import { HttpDirectory } from '../../src/directory/http-directory';
import { PostgresDirectory } from '../../src/directory/postgres-directory';

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'create-source-'));
  writeFileSync(
    path.join(folder, 'accounts.json'),
    JSON.stringify({ domains: [{ domain: 'example.com', defaultAccessType: 'pop' }] }),
  );
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function sourceFor(directory: object, logger = pino({ level: 'silent' })) {
  const configFile = path.join(folder, 'config.json');
  writeFileSync(configFile, JSON.stringify({ directory }));
  const loaded = loadConfig({ CONFIG_FILE: configFile }, folder);
  if (!loaded.ok) throw new Error(loaded.error.join('\n'));
  return createDirectorySource(loaded.value, logger);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test.each([
  ['file, watched', { type: 'file' }, FileDirectory],
  ['file, read once', { type: 'file', watch: false }, FileDirectory],
  ['http', { type: 'http', urlTemplate: 'https://admin.example/api?domain={domain}' }, HttpDirectory],
])('%s › the matching directory', async (_name, directory, kind) => {
  const source = await sourceFor(directory);
  expect(source.ok && source.value).toBeInstanceOf(kind);
  if (source.ok) await source.value.close();
});

test('a missing account file › a start-up problem', async () => {
  expect(await sourceFor({ type: 'file', file: 'nope.json' })).toEqual({
    ok: false,
    error: [expect.stringContaining('nope.json: cannot be read (ENOENT)')],
  });
});

test('postgres unreachable at start-up › starts anyway, logs a warning, lookups are temporary errors', async () => {
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
  const source = await sourceFor(
    { type: 'postgres', url: `postgres://postgres@127.0.0.1:${await closedPort()}/test` },
    logger,
  );
  if (!source.ok) throw new Error(source.error.join('\n'));
  try {
    expect(source.value).toBeInstanceOf(PostgresDirectory);
    expect(warnings).toEqual([expect.stringContaining('PostgreSQL directory not reachable at start-up')]);
    await expect(source.value.lookup({ domain: 'example.com', address: null })).rejects.toBeInstanceOf(
      DirectoryUnavailableError,
    );
  } finally {
    await source.value.close();
  }
});
