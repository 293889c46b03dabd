import request from 'supertest';
import { DirectoryUnavailableError } from '../../src/directory/account-directory';
import { createLogger } from '../../src/http/logger';
import { exampleApp } from '../support/app';
import { expectNoInternals, failingDirectory } from '../support/http';
import { htmlProblems } from '../support/setup-page';

const app = exampleApp();

const PAGE_CSP = "default-src 'none';style-src 'self';form-action 'self';base-uri 'none';frame-ancestors 'none'";

describe('GET / › the setup page', () => {
  test('no address › success: 200, the empty form, in English by default', async () => {
    const res = await request(app).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-language']).toBe('en');
    expect(res.headers['vary']).toBe('Accept-Language');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('<form method="get" action="/" class="lookup">');
    expect(res.text).not.toContain('settings-heading');
    expect(htmlProblems(res.text)).toEqual([]);
  });

  test('its own strict CSP replaces the service default (one header, no script, no inline style)', async () => {
    const res = await request(app).get('/?address=pop.user%40example.com');
    expect(res.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(res.text).not.toMatch(/<script|style=|\bon[a-z]+=/i);
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  test('POP access › success: incoming (IMAP and POP3), outgoing with authentication, the full address as username', async () => {
    const res = await request(app).get('/?address=pop.user%40example.com');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<strong>POP access</strong>');
    expect(res.text).toContain(
      '<th scope="row">IMAP</th><td><code>mamutmail.com</code></td><td>993</td><td>SSL/TLS</td>',
    );
    expect(res.text).toContain(
      '<th scope="row">POP3</th><td><code>mamutmail.com</code></td><td>995</td><td>SSL/TLS</td>',
    );
    expect(res.text).toContain(
      '<th scope="row">SMTP</th><td><code>mamutmail.com</code></td><td>587</td><td>STARTTLS</td>',
    );
    expect(res.text).toContain('same username and password');
    expect(res.text).toContain('port 25');
    expect(res.text).toContain('Leave a copy of messages on the server');
    expect(res.text).toContain('<dd><code>pop.user@example.com</code>');
    expect(res.text).toContain('href="https://mamutmail.com"');
  });

  test('Business Mail › success: Exchange server, Web Access URL, domain hosting01, the phone username with _', async () => {
    const res = await request(app).get('/?address=jane%40example.org');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<strong>Business Mail (Hosted Exchange)</strong>');
    expect(res.text).toContain('<dd><code>https://mamutmail.com</code>');
    expect(res.text).toContain('<dd><code>hosting01</code>');
    expect(res.text).toContain('<dd><code>jane_example.org</code>');
    expect(res.text).toContain('<dd><code>jane@example.org</code>');
  });

  test('the profile buttons name the existing /mobileconfig route for iPhone/iPad and Mac', async () => {
    const res = await request(app).get('/?address=jane%40example.org');
    expect(res.text).toContain('href="/mobileconfig?emailaddress=jane%40example.org&amp;platform=ios"');
    expect(res.text).toContain('href="/mobileconfig?emailaddress=jane%40example.org&amp;platform=macos"');
    const profile = await request(app).get('/mobileconfig?emailaddress=jane%40example.org&platform=ios');
    expect(profile.status).toBe(200);
    expect(profile.headers['content-type']).toBe('application/x-apple-aspen-config');
  });

  test('an Outlook link only where a scheme exists (ms-outlook://), and no made-up Thunderbird scheme', async () => {
    const res = await request(app).get('/?address=pop.user%40example.com');
    expect(res.text).toContain('href="ms-outlook://"');
    expect(res.text).not.toMatch(/href="thunderbird|href="ext\+/i);
  });

  test('an address with a raw + (as a form sends %2B, or a hand-typed URL sends +) is read as typed', async () => {
    const encoded = await request(app).get('/?address=jane%2Btag%40example.com');
    const raw = await request(app).get('/?address=jane+tag%40example.com');
    expect(encoded.status).toBe(200);
    expect(raw.text).toBe(encoded.text);
  });
});

describe('GET / › language', () => {
  test('Accept-Language da-DK › Danish, said in Content-Language and <html lang>', async () => {
    const res = await request(app)
      .get('/?address=pop.user%40example.com')
      .set('Accept-Language', 'da-DK,da;q=0.9,en;q=0.5');
    expect(res.headers['content-language']).toBe('da');
    expect(res.text).toContain('<html lang="da">');
    expect(res.text).toContain('<strong>POP-adgang</strong>');
  });

  test('?lang=en beats Accept-Language, and the switch keeps the address', async () => {
    const res = await request(app).get('/?address=pop.user%40example.com&lang=en').set('Accept-Language', 'da');
    expect(res.headers['content-language']).toBe('en');
    expect(res.text).toContain('href="/?address=pop.user%40example.com&amp;lang=da" hreflang="da" lang="da">Dansk</a>');
    expect(res.text).toContain('aria-current="page">English</a>');
  });

  test('?lang=DA in any letter case › Danish; an unknown lang › what Accept-Language asks', async () => {
    expect((await request(app).get('/?lang=DA')).headers['content-language']).toBe('da');
    expect((await request(app).get('/?lang=fr').set('Accept-Language', 'da')).headers['content-language']).toBe('da');
    expect((await request(app).get('/?lang=fr').set('Accept-Language', 'fr, de')).headers['content-language']).toBe(
      'en',
    );
  });
});

describe('GET / › failures', () => {
  test('invalid address › 400, the form again with the message and the text as typed', async () => {
    const res = await request(app).get('/?address=jane.example.com');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('value="jane.example.com"');
    expect(res.text).toContain('aria-invalid="true"');
    expect(res.text).toContain('role="alert">An e-mail address has an &quot;@&quot; in it');
    expect(htmlProblems(res.text)).toEqual([]);
  });

  test('empty address (the form sent blank) › 400 asking for one', async () => {
    const res = await request(app).get('/?address=&lang=da');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Skriv din e-mailadresse.');
  });

  test('undecodable address › 400, nothing decoded into U+FFFD', async () => {
    const res = await request(app).get('/?address=%C0%80%40example.com');
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('\ufffd');
  });

  test('domain not hosted › 404 page naming the domain, with the form', async () => {
    const res = await request(app).get('/?address=jane%40foreign.test');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('We do not provide e-mail for foreign.test.');
    expect(res.text).not.toContain('settings-heading');
  });

  test.each<[string, Error]>([
    ['DirectoryUnavailableError', new DirectoryUnavailableError('cannot reach db.internal:5432')],
    ['a plain Error (a bug)', new Error('unexpected db.internal:5432')],
  ])('directory throws %s › 503 page with Retry-After, no internals', async (_name, error) => {
    const failing = exampleApp({ directory: failingDirectory(error) });
    const res = await request(failing).get('/?address=pop.user%40example.com');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.text).toContain('cannot be looked up right now');
    expectNoInternals(res.text, 'db.internal');
  });

  test('HEAD / › the headers of the page, no body', async () => {
    const res = await request(app).head('/?address=pop.user%40example.com');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toBeUndefined();
  });

  test('other methods on / are still unknown: 404 plain text', async () => {
    const res = await request(app).post('/').send('address=x');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/plain\b/);
  });
});

describe('GET / › rate limit shared with the protocols', () => {
  const limited = exampleApp({
    config: (config) => ({ ...config, rateLimit: { enabled: true, points: 2, durationSeconds: 60, allowlist: [] } }),
  });

  test('past the budget › 429 page in the asked language with Retry-After; the profile route shares the budget', async () => {
    expect((await request(limited).get('/mobileconfig?emailaddress=pop.user%40example.com')).status).toBe(200);
    expect((await request(limited).get('/?address=pop.user%40example.com')).status).toBe(200);
    const res = await request(limited).get('/?address=pop.user%40example.com&lang=da');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('For mange opslag fra dit netværk.');
    expect(res.text).toContain('value="pop.user@example.com"');
  });
});

describe('GET /setup/setup.css', () => {
  test('success: the style sheet the page links, as text/css, cacheable unlike every answer', async () => {
    const res = await request(app).get('/setup/setup.css');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    expect(res.text).toContain('.qr svg');
  });
});

describe('GET / › request log', () => {
  test.each([
    ['/', { protocol: 'setup-page', outcome: 'form' }],
    [
      '/?address=pop.user%40example.com',
      { protocol: 'setup-page', outcome: 'settings', domain: 'example.com', accessType: 'pop' },
    ],
    ['/?address=bad', { protocol: 'setup-page', outcome: 'invalid-address', addressError: 'missing-at' }],
    ['/?address=x%40foreign.test', { protocol: 'setup-page', outcome: 'not-hosted', domain: 'foreign.test' }],
  ])('%s › logged as %j, never the local part', async (url, expected) => {
    const lines: string[] = [];
    const logged = exampleApp({ logger: createLogger('info', { write: (line: string) => void lines.push(line) }) });
    await request(logged).get(url);
    const line = lines.find((text) => text.includes('"protocol"')) ?? '';
    expect(JSON.parse(line)).toMatchObject(expected);
    expect(line).not.toContain('pop.user');
  });
});
