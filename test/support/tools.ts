import { spawnSync } from 'node:child_process';

/** The programs (of `programs`) that cannot be run from PATH. */
export function missingPrograms(programs: readonly string[]): string[] {
  return programs.filter((program) => spawnSync('/bin/sh', ['-c', `command -v ${program}`]).status !== 0);
}

/**
 * `describe` when every program is on PATH. Without them: under CI=true a failing test naming what
 * is missing (.ci/run installs them), otherwise a skipped suite and a line on stderr saying what.
 */
export function describeWithPrograms(programs: readonly string[], install: string): jest.Describe {
  const missing = missingPrograms(programs);
  if (missing.length === 0) return describe;
  if (process.env['CI'] === 'true') {
    return ((name: string) =>
      describe(name, () => {
        test(`needs ${missing.join(', ')}`, () => {
          throw new Error(`CI=true but ${missing.join(', ')} is not on PATH; .ci/run installs it (${install})`);
        });
      })) as unknown as jest.Describe;
  }
  process.stderr.write(`\n[programs] SKIPPING a suite: ${missing.join(', ')} not on PATH (${install}).\n`);
  return describe.skip;
}
