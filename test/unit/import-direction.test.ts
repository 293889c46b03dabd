import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../support/app';

/**
 * The folders read as a request flows: protocols → discovery → cache → directory → model. Each may
 * use the folders after it and never the ones before it, so the cache can be replaced or removed
 * without touching an account source. A CLI is a client of the service's parts, never of its HTTP layer.
 */
const FORBIDDEN: Readonly<Record<string, readonly string[]>> = {
  model: ['config', 'directory', 'cache', 'discovery', 'protocols', 'http', 'cli'],
  directory: ['cache', 'discovery', 'protocols', 'http', 'cli'],
  cache: ['discovery', 'protocols', 'http', 'cli'],
  discovery: ['protocols', 'http', 'cli'],
  cli: ['http', 'protocols'],
};

const SRC = path.join(REPO_ROOT, 'src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** The top-level folder under src/ of every relative module a file imports (`from '…'` and `import '…'`). */
function importedFolders(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s+'(\.[^']*)'/g)].map((match) => {
    const target = path.relative(SRC, path.resolve(path.dirname(file), match[1] ?? ''));
    return target.split(path.sep)[0] ?? '';
  });
}

describe.each(Object.entries(FORBIDDEN))('src/%s/', (folder, forbidden) => {
  const files = sourceFiles(path.join(SRC, folder));

  test('has source files (the rule is not vacuous)', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  test(`imports nothing from ${forbidden.join(', ')}`, () => {
    const violations = files.flatMap((file) =>
      importedFolders(file)
        .filter((imported) => forbidden.includes(imported))
        .map((imported) => `${path.relative(REPO_ROOT, file)} imports from src/${imported}/`),
    );
    expect(violations).toEqual([]);
  });
});

test('the scan sees relative imports, including type-only ones', () => {
  const folders = importedFolders(path.join(SRC, 'cache', 'cached-directory.ts'));
  expect(folders).toContain('directory');
  expect(folders).toContain('cache');
});
