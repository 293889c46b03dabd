import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE_VARIABLE } from '../../src/config/load';
import { environmentBindings } from '../../src/config/schema';
import { REPO_ROOT } from '../support/app';

/** README's paragraph on environment variables: `VARIABLE` (`key`, and for whom) for each binding. */
function readmeParagraph(): string {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('Environment variables override the file.');
  if (start < 0) throw new Error('README lost its paragraph on environment variables');
  return readme.slice(start, readme.indexOf('\n\n', start));
}

describe('environment bindings', () => {
  const paragraph = readmeParagraph();
  const documented = [...paragraph.matchAll(/`([A-Z_]+)`\s+\(`([A-Za-z.]+)`([^)]*)\)/g)].map(
    ([, variable = '', key = '', condition = '']) => ({ variable, key, condition }),
  );

  test('README lists each declared variable with the key it sets, and no other', () => {
    expect(documented.map(({ variable, key }) => `${variable} → ${key}`).sort()).toEqual(
      environmentBindings.map(({ variable, path: keyPath }) => `${variable} → ${keyPath.join('.')}`).sort(),
    );
    const named = new Set(paragraph.match(/`[A-Z][A-Z_]+`/g)?.map((name) => name.slice(1, -1)));
    expect([...named].sort()).toEqual(
      [CONFIG_FILE_VARIABLE, ...environmentBindings.map(({ variable }) => variable)].sort(),
    );
  });

  test('README says when a variable applies only to one kind of section', () => {
    for (const binding of environmentBindings) {
      const entry = documented.find(({ variable }) => variable === binding.variable);
      for (const value of Object.values(binding.onlyWhen ?? {})) expect(entry?.condition).toContain(`\`${value}\``);
    }
  });

  test('each variable is declared once, each key has one variable', () => {
    expect(new Set(environmentBindings.map(({ variable }) => variable)).size).toBe(environmentBindings.length);
    expect(new Set(environmentBindings.map(({ path: keyPath }) => keyPath.join('.'))).size).toBe(
      environmentBindings.length,
    );
  });
});
