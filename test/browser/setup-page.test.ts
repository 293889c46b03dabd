/**
 * The setup page in a real browser: Debian's Chromium driven by playwright-core, against the app on
 * loopback. Screenshots of both languages × both access types are compared with the committed PNGs
 * in test/browser/screenshots/ (pixelmatch, with a tolerance for anti-aliasing); the page is used
 * by keyboard alone; axe-core finds no accessibility violation; the QR code read back from the
 * screenshot (jsQR) is the profile link. Rewrite the PNGs after an intended change with
 *     UPDATE_SCREENSHOTS=1 npx jest test/browser
 * and look at them. Without chromium the suite is skipped (said on stderr), except under CI=true.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import jsQR from 'jsqr';
import pixelmatch from 'pixelmatch';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import type { SetupLanguage } from '../../src/pages/setup/language';
import { exampleApp } from '../support/app';
import { EXAMPLE_CONFIG } from '../support/settings';
import { describeWithPrograms } from '../support/tools';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOTS = path.join(__dirname, 'screenshots');
const UPDATE = process.env['UPDATE_SCREENSHOTS'] === '1';
/** pixelmatch's per-pixel colour threshold, and the share of pixels that may differ (font hinting, anti-aliasing). */
const PIXEL_THRESHOLD = 0.1;
const MAX_DIFFERING_SHARE = 0.005;
const VIEWPORT = { width: 800, height: 900 };

const ADDRESSES = { pop: 'pop.user@example.com', business: 'jane@example.org' } as const;

/** The profile link the QR code must carry: absolute, on autodiscover.publicUrl's host. */
const profileUrlOf = (address: string): string =>
  new URL(
    `/mobileconfig?emailaddress=${encodeURIComponent(address)}&platform=ios`,
    EXAMPLE_CONFIG.autodiscover.publicUrl,
  ).href;

describeWithPrograms(['chromium'], 'apt-get install chromium')('setup page in Chromium', () => {
  let server: http.Server;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    server = http.createServer(exampleApp());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** A fresh page that records every CSP violation and failed request it sees. */
  async function openPage(): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, locale: 'en-US' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('requestfailed', (request) => problems.push(`${request.url()} failed`));
    return { page, problems };
  }

  describe.each([
    ['en', 'pop'],
    ['da', 'pop'],
    ['en', 'business'],
    ['da', 'business'],
  ] as const)('%s, %s', (language: SetupLanguage, access: keyof typeof ADDRESSES) => {
    const address = ADDRESSES[access];

    test('looks as committed, styled by its own style sheet with nothing blocked, and its QR code is the profile link', async () => {
      const { page, problems } = await openPage();
      await page.goto(`${base}/?address=${encodeURIComponent(address)}&lang=${language}`);
      expect(problems).toEqual([]);
      // The style sheet applied: the submit button has the accent colour, not the browser's grey.
      expect(await styleOf(page, 'button[type="submit"]', 'backgroundColor')).toBe('rgb(11, 92, 173)');
      const bytes = await page.screenshot({ fullPage: true });
      const shot = PNG.sync.read(bytes);
      compareWithCommitted(`${language}-${access}.png`, bytes, shot);
      expect(await qrCodeIn(page, shot)).toBe(profileUrlOf(address));
      await page.context().close();
    }, 60_000);
  });

  test('keyboard only: Tab to the field, type, Enter, Tab to the download button', async () => {
    const { page } = await openPage();
    await page.goto(`${base}/`);
    await tabUntilFocused(page, 'address');
    await page.keyboard.type(ADDRESSES.pop);
    await Promise.all([page.waitForURL(/address=/), page.keyboard.press('Enter')]);
    expect(new URL(page.url()).searchParams.get('address')).toBe(ADDRESSES.pop);
    await tabUntilFocused(page, 'profile-ios');
    expect(await page.locator('#profile-ios').getAttribute('href')).toBe(
      `/mobileconfig?emailaddress=${encodeURIComponent(ADDRESSES.pop)}&platform=ios`,
    );
    // The focused button shows it: an outline from the style sheet.
    expect(await styleOf(page, '#profile-ios', 'outlineStyle')).toBe('solid');
    await page.context().close();
  });

  test.each([
    ['the empty form', '/'],
    ['POP access (Danish)', `/?address=${encodeURIComponent(ADDRESSES.pop)}&lang=da`],
    ['Business Mail', `/?address=${encodeURIComponent(ADDRESSES.business)}`],
    ['an invalid address', '/?address=jane.example.com'],
    ['a domain not hosted', '/?address=jane%40foreign.test'],
  ])('axe-core: no accessibility violation on %s', async (_name, url) => {
    const { page } = await openPage();
    await page.goto(`${base}${url}`);
    // Evaluated through the DevTools protocol, so the page's CSP (no script at all) stays as it is.
    await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
    const violations = await page.evaluate<string[]>(
      'axe.run().then((results) => results.violations.map((v) => v.id + ": " + JSON.stringify(v.nodes.map((n) => n.target))))',
    );
    expect(violations).toEqual([]);
    await page.context().close();
  });
});

async function tabUntilFocused(page: Page, id: string): Promise<void> {
  for (let presses = 0; presses < 40; presses += 1) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate<string | undefined>('document.activeElement?.id')) === id) return;
  }
  throw new Error(`Tab never reached #${id}`);
}

/** A computed style property of the first element matching `selector` (evaluated as text: no DOM types here). */
function styleOf(page: Page, selector: string, property: string): Promise<string> {
  return page.evaluate<string>(
    `getComputedStyle(document.querySelector(${JSON.stringify(selector)}))[${JSON.stringify(property)}]`,
  );
}

/**
 * The text of the QR code in a full-page screenshot, read by jsQR from the part of the screenshot
 * where the code is drawn (with its quiet zone): on the whole page jsQR takes seconds.
 */
async function qrCodeIn(page: Page, shot: PNG): Promise<string | undefined> {
  const box = await page.locator('.qr svg').boundingBox();
  if (box === null) throw new Error('no QR code on the page');
  const margin = 16;
  const left = Math.max(0, Math.floor(box.x) - margin);
  const top = Math.max(0, Math.floor(box.y) - margin);
  const width = Math.min(shot.width - left, Math.ceil(box.width) + 2 * margin);
  const height = Math.min(shot.height - top, Math.ceil(box.height) + 2 * margin);
  const crop = new PNG({ width, height });
  PNG.bitblt(shot, crop, left, top, width, height, 0, 0);
  return jsQR(new Uint8ClampedArray(crop.data), width, height)?.data;
}

/** Chromium's own PNG bytes are what gets committed: encoding them again with pngjs takes many seconds. */
function compareWithCommitted(name: string, bytes: Buffer, actual: PNG): void {
  const file = path.join(SCREENSHOTS, name);
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE && process.env['CI'] === 'true')
      throw new Error(`missing ${name}; create it with UPDATE_SCREENSHOTS=1`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(file, bytes);
    return;
  }
  const expected = PNG.sync.read(readFileSync(file));
  expect({ width: actual.width, height: actual.height }).toEqual({ width: expected.width, height: expected.height });
  const differing = pixelmatch(expected.data, actual.data, null, actual.width, actual.height, {
    threshold: PIXEL_THRESHOLD,
  });
  expect(differing / (actual.width * actual.height)).toBeLessThanOrEqual(MAX_DIFFERING_SHARE);
}
