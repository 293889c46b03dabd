import fc from 'fast-check';
import request from 'supertest';
import { exampleApp } from '../support/app';
import type { TestResponse } from '../support/http';
import { htmlProblems } from '../support/setup-page';

/**
 * Hostile input to the setup page: whatever arrives in `address`, `lang` or Accept-Language, the
 * answer is a 4xx or 200 page that is still valid HTML, carries no markup from the request, and is
 * never a 5xx. Everything the page writes goes through escape-html (src/pages/setup/html.ts).
 */

const app = exampleApp();

const get = (url: string, headers: Readonly<Record<string, string>> = {}): Promise<TestResponse> => {
  let test = request(app).get(url);
  for (const [name, value] of Object.entries(headers)) test = test.set(name, value);
  return test.then((res) => res);
};

function expectSafePage(res: TestResponse): void {
  expect(res.status).toBeLessThan(500);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  // No element from the request (its "<" would be escaped), and outside attribute values no handler or script URL.
  expect(res.text).not.toMatch(/<script|<img|<iframe|<svg on/i);
  expect(res.text.replace(/"[^"]*"/g, '""')).not.toMatch(/\son[a-z]+=|javascript:/i);
  expect(htmlProblems(res.text)).toEqual([]);
}

describe('setup page › markup in the address', () => {
  test.each([
    '"><script>alert(1)</script>@example.com',
    "'><img src=x onerror=alert(1)>@example.com",
    'jane@example.com"><svg onload=alert(1)>',
    '</textarea><script>alert(1)</script>',
    'javascript:alert(1)//@example.com',
  ])('%s › 400, escaped back into the field, nothing executable', async (address) => {
    const res = await get(`/?address=${encodeURIComponent(address)}`);
    expect(res.status).toBe(400);
    expectSafePage(res);
  });

  test("a valid address with ' & { } (dot-atom allows them) › 200, every use escaped", async () => {
    const address = "o'brien&{co}@example.com";
    const res = await get(`/?address=${encodeURIComponent(address)}`);
    expect(res.status).toBe(200);
    expectSafePage(res);
    expect(res.text).toContain('<span class="address">o&#39;brien&amp;{co}@example.com</span>');
    expect(res.text).toContain('emailaddress=o%27brien%26%7Bco%7D%40example.com&amp;platform=ios');
  });

  test('markup in lang › ignored, English page', async () => {
    const res = await get(`/?lang=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-language']).toBe('en');
    expectSafePage(res);
  });
});

describe('setup page › size', () => {
  test('a 10,000-character address › 400 too long; the field echoes at most 320 characters', async () => {
    const res = await get(`/?address=${'a'.repeat(10_000)}%40example.com`);
    expect(res.status).toBe(400);
    expectSafePage(res);
    expect(res.text).toContain('longer than an e-mail address can be');
    expect(res.text).toContain(`value="${'a'.repeat(320)}"`);
    expect(res.text).not.toContain('a'.repeat(321));
  });

  test('a request target past the header limit › refused by Node before the page (431), no 5xx', async () => {
    const res = await get(`/?address=${'a'.repeat(20_000)}`);
    expect(res.status).toBe(431);
  });
});

describe('setup page › weird Accept-Language', () => {
  test.each([
    ['*', '*'],
    ['a quality that is not a number', 'da;q=abc'],
    ['separators only', ';;;,,,;q='],
    ['every language refused', 'en;q=0, da;q=0'],
    ['upper-case DA-dk', 'DA-dk'],
    ['a long private tag', 'xx-Latn-ZZ-u-ca-gregory, da;q=0.1'],
    ['non-ASCII (sent as UTF-8 bytes)', Buffer.from('æøå, 日本語;q=0.9', 'utf8').toString('latin1')],
    // As many as fit under Node's 16 KiB header limit.
    ['1,000 languages', Array.from({ length: 1000 }, (_, i) => `x${i};q=0.${i % 10}`).join(',')],
  ])('%s › a page in English or Danish, said in Content-Language', async (_label, acceptLanguage) => {
    const res = await get('/?address=pop.user%40example.com', { 'Accept-Language': acceptLanguage });
    expect(res.status).toBe(200);
    expect(['en', 'da']).toContain(res.headers['content-language']);
    expect(res.text).toContain(`<html lang="${String(res.headers['content-language'])}">`);
    expectSafePage(res);
  });

  test('da-DK with a higher quality than en › Danish; en higher › English', async () => {
    expect((await get('/', { 'Accept-Language': 'en;q=0.5, da-DK;q=0.8' })).headers['content-language']).toBe('da');
    expect((await get('/', { 'Accept-Language': 'en;q=0.9, da-DK;q=0.8' })).headers['content-language']).toBe('en');
  });
});

describe('setup page › any text as an address (fast-check)', () => {
  test('always a valid, markup-free page with 200, 400 or 404', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 80 }), async (text) => {
        const res = await get(`/?address=${encodeURIComponent(text)}`);
        expect([200, 400, 404]).toContain(res.status);
        expectSafePage(res);
      }),
      { numRuns: 60 },
    );
  });
});
