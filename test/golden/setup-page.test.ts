/**
 * The setup page (src/pages/setup/render.ts), rendered pure, against golden files in
 * test/golden/setup-page/: both languages × both access types, the empty form and every error
 * page. Each is valid HTML by html-validate's recommended rules. Regenerate with
 *     UPDATE_GOLDEN=1 npx jest test/golden
 * and review the diff.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderSetupPage, type SetupPageView } from '../../src/pages/setup/render';
import type { SetupLanguage } from '../../src/pages/setup/language';
import { DIRECTORY_UNAVAILABLE_RETRY_SECONDS } from '../../src/protocols/protocol-outcome';
import { EXAMPLE_SITE, htmlProblems } from '../support/setup-page';
import { settingsFor } from '../support/settings';

const GOLDEN_FOLDER = path.join(__dirname, 'setup-page');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

const LANGUAGES: readonly SetupLanguage[] = ['en', 'da'];

const CASES: ReadonlyArray<readonly [string, SetupPageView]> = [
  ...LANGUAGES.flatMap((language) => [
    [`form.${language}`, { language, typed: null, outcome: { kind: 'form' } }] as const,
    [
      `pop-access.${language}`,
      {
        language,
        typed: 'pop.user@example.com',
        outcome: { kind: 'settings', request: null, settings: settingsFor('pop.user@example.com', 'pop') },
      },
    ] as const,
    [
      `business-mail.${language}`,
      {
        language,
        typed: 'known.user@example.org',
        outcome: { kind: 'settings', request: null, settings: settingsFor('known.user@example.org', 'business') },
      },
    ] as const,
    [
      `invalid-address.${language}`,
      {
        language,
        typed: 'jane.example.com',
        outcome: { kind: 'invalid-address', request: null, addressError: 'missing-at' },
      },
    ] as const,
    [
      `not-hosted.${language}`,
      { language, typed: 'jane@foreign.test', outcome: { kind: 'not-hosted', request: null, domain: 'foreign.test' } },
    ] as const,
    [
      `unavailable.${language}`,
      {
        language,
        typed: 'jane@example.com',
        outcome: {
          kind: 'unavailable',
          request: null,
          domain: 'example.com',
          retryAfterSeconds: DIRECTORY_UNAVAILABLE_RETRY_SECONDS,
        },
      },
    ] as const,
    [
      `rate-limited.${language}`,
      { language, typed: 'jane@example.com', outcome: { kind: 'rate-limited', retryAfterSeconds: 42 } },
    ] as const,
  ]),
];

const fileOf = (name: string): string => path.join(GOLDEN_FOLDER, `${name}.html`);

describe('setup page golden files', () => {
  test('every golden file belongs to a case', () => {
    const expected = new Set(CASES.map(([name]) => `${name}.html`));
    const orphans = existsSync(GOLDEN_FOLDER) ? readdirSync(GOLDEN_FOLDER).filter((file) => !expected.has(file)) : [];
    if (UPDATE) orphans.forEach((file) => rmSync(path.join(GOLDEN_FOLDER, file)));
    else expect(orphans).toEqual([]);
  });

  test.each(CASES)('%s matches its golden file and is valid HTML', (name, view) => {
    const rendered = renderSetupPage(view, EXAMPLE_SITE);
    // Pure: the same view gives the same bytes.
    expect(renderSetupPage(view, EXAMPLE_SITE)).toBe(rendered);
    const file = fileOf(name);
    if (UPDATE) {
      mkdirSync(GOLDEN_FOLDER, { recursive: true });
      writeFileSync(file, rendered, 'utf8');
    }
    if (!existsSync(file)) throw new Error(`missing ${file}; create it with UPDATE_GOLDEN=1 npx jest test/golden`);
    expect(rendered).toBe(readFileSync(file, 'utf8'));
    expect(htmlProblems(rendered)).toEqual([]);
  });
});
