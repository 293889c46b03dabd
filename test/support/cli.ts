import { execFile } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './app';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a CLI script the way its npm script does (tsx), with only PATH and the given environment. */
export function runCli(script: string, args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 20_000 },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

/** The admin tool's entry, as `npm run cli` runs it. */
export const TOOL = path.join(REPO_ROOT, 'src/cli/main.ts');

/** Runs `npm run cli -- <args>` the way npm does (tsx), with only PATH and the given environment. */
export const runTool = (args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> =>
  runCli(TOOL, args, env);
