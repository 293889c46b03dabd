/**
 * Golden files: every renderer's output for the cases in ./cases.ts, locked byte for byte.
 *
 * A renderer change that alters any answer fails here until the golden files are regenerated:
 *
 *     UPDATE_GOLDEN=1 npx jest test/golden
 *
 * That rewrites test/golden/<protocol>/<case>.<ext> (and deletes files no case names any more);
 * review the diff against docs/protocols.md before committing it. Without UPDATE_GOLDEN=1 a
 * missing golden file is a failure, never a silent pass. ./golden-files.test.ts parses the
 * accepted files back with real parsers.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { GOLDEN_CASES, GOLDEN_PROTOCOLS, goldenPathOf } from './cases';

const GOLDEN_DIR = __dirname;
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

describe('golden cases', () => {
  test('names are unique', () => {
    const paths = GOLDEN_CASES.map(goldenPathOf);
    expect(new Set(paths).size).toBe(paths.length);
  });

  test('every golden file belongs to a case', () => {
    const expected = new Set(GOLDEN_CASES.map(goldenPathOf));
    const orphans = GOLDEN_PROTOCOLS.flatMap((protocol) => {
      const folder = path.join(GOLDEN_DIR, protocol);
      return existsSync(folder) ? readdirSync(folder).map((file) => `${protocol}/${file}`) : [];
    }).filter((file) => !expected.has(file));
    if (UPDATE) orphans.forEach((file) => rmSync(path.join(GOLDEN_DIR, file)));
    else expect(orphans).toEqual([]);
  });
});

describe.each(GOLDEN_PROTOCOLS)('%s renderer', (protocol) => {
  const cases = GOLDEN_CASES.filter((goldenCase) => goldenCase.protocol === protocol);

  test.each(cases.map((goldenCase) => [goldenCase.name, goldenCase] as const))(
    '%s matches its golden file',
    (_name, goldenCase) => {
      const file = path.join(GOLDEN_DIR, goldenPathOf(goldenCase));
      const rendered = goldenCase.render();
      // Pure: the same input gives the same bytes (no clock, no randomness, no environment).
      expect(goldenCase.render()).toBe(rendered);
      if (UPDATE) {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, rendered, 'utf8');
      }
      if (!existsSync(file)) {
        throw new Error(
          `missing golden file ${path.relative(process.cwd(), file)}; create it with UPDATE_GOLDEN=1 npx jest test/golden and review it`,
        );
      }
      const expected = readFileSync(file);
      // Text comparison for a readable diff, then bytes (a BOM or a re-encoding would slip through text).
      expect(rendered).toBe(expected.toString('utf8'));
      expect(Buffer.from(rendered, 'utf8').equals(expected)).toBe(true);
    },
  );
});
