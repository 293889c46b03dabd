/**
 * `npm run pacc:digest -- <domain>`, run the way npm runs it (tsx) with only the given environment:
 * the _ua-auto-config TXT record for the bytes the service serves for that domain, built in process
 * from the same configuration and directory or asked over --url (docs/protocols.md §10.4), checked
 * against those bytes as served.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { PACC_PATH } from '../../src/protocols/pacc/paths';
import { exampleApp, REPO_ROOT } from '../support/app';
import { runTool } from '../support/cli';

/** `mail-autodiscover pacc digest <args>`, which `npm run pacc:digest -- <args>` runs. */
const cli = (args: readonly string[], env: Record<string, string> = {}) => runTool(['pacc', 'digest', ...args], env);

/** The record's line for the SHA-256 of the bytes the app serves on ua-auto-config.<domain>. */
async function recordForServedBytes(app: Express, domain: string): Promise<string> {
  const res = await request(app).get(PACC_PATH).set('Host', `ua-auto-config.${domain}`);
  expect(res.status).toBe(200);
  const digest = createHash('sha256').update(Buffer.from(res.text, 'utf8')).digest('base64');
  return `_ua-auto-config.${domain}. IN TXT "v=UAAC1; a=sha256; d=${digest}"\n`;
}

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'pacc-digest-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('mail-autodiscover pacc digest (npm run pacc:digest)', () => {
  test('a POP access domain of the example config › exit 0, the TXT record of the bytes served', async () => {
    const run = await cli(['example.com']);
    expect(run).toEqual({ code: 0, stdout: await recordForServedBytes(exampleApp(), 'example.com'), stderr: '' });
  });

  test('the domain in any letter case › the record names it in lower case', async () => {
    const run = await cli(['EXAMPLE.com']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(await recordForServedBytes(exampleApp(), 'example.com'));
  });

  test('another configuration (CONFIG_FILE) › the digest of what that configuration serves', async () => {
    const configFile = path.join(folder, 'other.json');
    const provider = { name: 'Other Mail', shortName: 'Other' };
    const smtp = [{ host: 'smtp.other.example', port: 465, socket: 'tls' }];
    writeFileSync(
      configFile,
      JSON.stringify({
        provider,
        popAccess: { smtp },
        directory: { type: 'file', file: path.join(REPO_ROOT, 'config/accounts.json'), watch: false },
      }),
    );
    const run = await cli(['example.com'], { CONFIG_FILE: configFile });
    const app = exampleApp({
      config: (c) => ({
        ...c,
        provider: { ...c.provider, ...provider },
        popAccess: { ...c.popAccess, smtp: [{ host: 'smtp.other.example', port: 465, socket: 'tls' }] },
      }),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(await recordForServedBytes(app, 'example.com'));
    expect(run.stdout).not.toBe((await cli(['example.com'])).stdout);
  });

  test.each([
    ['a Business Mail domain', 'example.org', 'Business Mail (Exchange), which PACC cannot describe'],
    ['a domain this service does not host', 'example.net', 'HTTP 404: No PACC configuration for this domain.'],
  ])('%s › exit 1, no record, the reason on stderr', async (_label, domain, reason) => {
    const run = await cli([domain]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(reason);
    expect(run.stderr).toContain('Publish no _ua-auto-config record');
  });

  test('--url of a running instance › the record of the bytes that instance serves, asked with Host ua-auto-config.<domain>', async () => {
    const app = exampleApp({ config: (c) => ({ ...c, provider: { ...c.provider, name: 'Running Instance Mail' } }) });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const run = await cli(['example.com', '--url', `http://127.0.0.1:${port}`]);
      expect(run).toEqual({ code: 0, stdout: await recordForServedBytes(app, 'example.com'), stderr: '' });
      expect(run.stdout).not.toBe((await cli(['example.com'])).stdout);
    } finally {
      server.close();
    }
  });

  test('--url nobody listens on › exit 1, cannot reach', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const run = await cli(['example.com', '--url', `http://127.0.0.1:${port}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot reach http://127.0.0.1:${port}`);
  });

  test('an invalid configuration › exit 1 with the problems start-up lists', async () => {
    const configFile = path.join(folder, 'bad.json');
    writeFileSync(configFile, JSON.stringify({ popAccess: { smtp: [] } }));
    const run = await cli(['example.com'], { CONFIG_FILE: configFile });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('popAccess.smtp');
  });

  test.each([
    ['no domain', []],
    ['two domains', ['example.com', 'example.org']],
    ['not a domain', ['not a domain']],
    ['an address instead of a domain', ['jane@example.com']],
    ['an unknown option', ['--all', 'example.com']],
    ['--url that is not a base URL', ['example.com', '--url', 'localhost:8080']],
  ])('%s › exit 2 with the usage', async (_label, args) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage:');
  });

  test.each(['example.com', 'example.org'])(
    'the README shows what `npm run --silent pacc:digest -- %s` prints',
    async (domain) => {
      const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8').split('\n');
      const at = readme.indexOf(`$ npm run --silent pacc:digest -- ${domain}`);
      expect(at).toBeGreaterThan(-1);
      const run = await cli([domain]);
      expect(`${readme[at + 1] ?? ''}\n`).toBe(run.stdout + run.stderr);
    },
  );

  test('--help › exit 0, the usage', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('npm run pacc:digest -- example.com');
  });
});
