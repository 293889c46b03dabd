/**
 * GET /tls/allowed?domain=…: Caddy's on-demand TLS ask (docs/protocols.md §12.1). 200 only for the
 * discovery names of hosted domains and the provider's own names; 404 for the rest, 400 for a
 * malformed name, 503 while the directory is away; never a 5xx beyond that, never rate-limited.
 */
import request from 'supertest';
import pino from 'pino';
import type { AppConfig } from '../../src/config/schema';
import { configSchema } from '../../src/config/schema';
import { DirectoryUnavailableError } from '../../src/directory/account-directory';
import { classifyAskedName } from '../../src/http/tls-ask-router';
import { exampleApp, exampleDirectory } from '../support/app';
import { ScriptedSource, NOT_HOSTED_ANSWER, POP_KNOWN } from '../support/directory-doubles';
import { failingDirectory } from '../support/http';

const ask = (domain: string): string => `/tls/allowed?domain=${encodeURIComponent(domain)}`;

const withProviderNames = (config: AppConfig): AppConfig => ({
  ...config,
  server: { ...config.server, onDemandTls: { providerHostNames: ['autoconfig.mamutmail.com', 'mail.mamutmail.com'] } },
});

describe('GET /tls/allowed (example accounts: example.com and example.org hosted)', () => {
  const app = exampleApp({ config: withProviderNames });

  test.each([
    'autodiscover.example.com',
    'autoconfig.example.com',
    'ua-auto-config.example.org',
    'AutoDiscover.Example.COM.',
  ])('%s › 200: a discovery name of a hosted domain', async (name) => {
    const res = await request(app).get(ask(name));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toBe('allowed\n');
  });

  test.each([
    ['autodiscover.mamutmail.com', 'the host of autodiscover.publicUrl'],
    ['mail.mamutmail.com', 'named in server.onDemandTls.providerHostNames'],
    ['autoconfig.mamutmail.com', 'named in server.onDemandTls.providerHostNames'],
  ])('%s › 200: %s', async (name) => {
    expect((await request(app).get(ask(name))).status).toBe(200);
  });

  test.each([
    ['autodiscover.foreign.example', 'a domain the directory does not host'],
    ['example.com', 'the hosted domain itself: its web site is not ours'],
    ['www.example.com', 'a name of no discovery form'],
    ['imap.example.com', 'a name of no discovery form'],
    ['autodiscover.com', 'no customer domain after the prefix'],
    ['autodiscover.autodiscover.example.com', 'a discovery name of an unhosted subdomain'],
  ])('%s › 404: %s', async (name) => {
    const res = await request(app).get(ask(name));
    expect(res.status).toBe(404);
    expect(res.text).toBe('not a name this service answers for\n');
  });

  test.each([
    ['/tls/allowed', 'no domain parameter'],
    ['/tls/allowed?domain=', 'an empty name'],
    ['/tls/allowed?domain=autodiscover.example.com%2F..', 'a slash'],
    ['/tls/allowed?domain=%C0%AE', 'undecodable text'],
    ['/tls/allowed?domain=127.0.0.1', 'an IP address'],
    [`/tls/allowed?domain=${'a'.repeat(64)}.example.com`, 'a label over 63 characters'],
    ['/tls/allowed?domain=a&domain=b', 'the parameter twice'],
  ])('%s › 400: %s', async (path) => {
    const res = await request(app).get(path);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/^domain: /);
  });

  test('HEAD › the same status, no body', async () => {
    const res = await request(app).head(ask('autodiscover.example.com'));
    expect(res.status).toBe(200);
  });

  test('POST › 404: Caddy asks with GET only', async () => {
    expect((await request(app).post(ask('autodiscover.example.com'))).status).toBe(404);
  });
});

describe('GET /tls/allowed and the directory', () => {
  test('directory unavailable › 503 with Retry-After (Caddy refuses this handshake, asks again on the next)', async () => {
    const app = exampleApp({ directory: failingDirectory(new DirectoryUnavailableError('down')) });
    const res = await request(app).get(ask('autodiscover.example.com'));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    // The provider's own names need no directory.
    expect((await request(app).get(ask('autodiscover.mamutmail.com'))).status).toBe(200);
  });

  test('a bug in the directory › 503, not 500', async () => {
    const app = exampleApp({ directory: failingDirectory(new Error('bug')) });
    expect((await request(app).get(ask('autoconfig.example.com'))).status).toBe(503);
  });

  test('names of no discovery form never reach the directory; repeated asks are answered from the cache', async () => {
    const source = new ScriptedSource().answer(NOT_HOSTED_ANSWER);
    const app = exampleApp({ directory: source });
    await request(app).get(ask('www.random-name.example'));
    await request(app).get(ask('random-name.example'));
    expect(source.calls).toBe(0);
    source.answer(POP_KNOWN);
    expect((await request(app).get(ask('autodiscover.customer.example'))).status).toBe(200);
    expect((await request(app).get(ask('autoconfig.customer.example'))).status).toBe(200);
    expect(source.calls).toBe(1);
  });

  test('not rate-limited: Caddy asks for every customer from one address', async () => {
    const app = exampleApp({
      config: (config) => ({ ...config, rateLimit: { ...config.rateLimit, enabled: true, points: 2 } }),
    });
    for (let i = 0; i < 5; i += 1) expect((await request(app).get(ask('autodiscover.example.com'))).status).toBe(200);
    // The discovery paths still are.
    const statuses = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await request(app).get('/mail/config-v1.1.xml?emailaddress=a@example.com')).status);
    expect(statuses).toContain(429);
  });

  test('the request log line names the outcome and the name asked', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const app = exampleApp({ logger, directory: exampleDirectory() });
    await request(app).get(ask('autodiscover.example.com'));
    await request(app).get(ask('autodiscover.foreign.example'));
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toEqual([
      expect.objectContaining({ protocol: 'tls-ask', outcome: 'tls-allowed', domain: 'autodiscover.example.com' }),
      expect.objectContaining({ protocol: 'tls-ask', outcome: 'not-hosted', domain: 'autodiscover.foreign.example' }),
    ]);
  });
});

describe('classifyAskedName', () => {
  const provider = new Set(['autodiscover.mamutmail.com']);

  test.each([
    [
      'autodiscover.bücher.example',
      { kind: 'look-up', name: 'autodiscover.xn--bcher-kva.example', domain: 'xn--bcher-kva.example' },
    ],
    ['AUTODISCOVER.MAMUTMAIL.COM', { kind: 'provider-name', name: 'autodiscover.mamutmail.com' }],
    ['mail.example.com', { kind: 'foreign-name', name: 'mail.example.com' }],
    ['autodiscover..example.com', { kind: 'malformed' }],
  ])('%s › %j', (text, expected) => {
    expect(classifyAskedName(text, provider)).toEqual(expected);
  });
});

describe('server.onDemandTls config', () => {
  test('providerHostNames must be host names; the message names the key', () => {
    const parsed = configSchema.safeParse({ server: { onDemandTls: { providerHostNames: ['not a host'] } } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['server', 'onDemandTls', 'providerHostNames', 0]);
  });
});
