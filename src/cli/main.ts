#!/usr/bin/env node
import { checkCommand } from './check';
import type { CliCommand } from './command-line';
import { dnsCommand } from './dns';
import { invalidateCacheCommand } from './invalidate-cache';
import { migrateCommand, seedCommand } from './migrate';
import type { Outcome } from './outcome';
import { paccDigestCommand } from './pacc-digest';
import { printConfigCommand } from './print-config';
import { selfcheckCommand } from './selfcheck';

/**
 * `mail-autodiscover`, the admin tool (package.json "bin"; `npm run cli -- …` from a checkout):
 * one entry for every command, each reading its arguments through the same parser (command-line.ts).
 */
export const COMMANDS: readonly CliCommand[] = [
  checkCommand,
  dnsCommand,
  selfcheckCommand,
  invalidateCacheCommand,
  printConfigCommand,
  paccDigestCommand,
  migrateCommand,
  seedCommand,
];

const width = Math.max(...COMMANDS.map((command) => command.name.length));

export const TOOL_USAGE = `Usage: mail-autodiscover <command> [options]
Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}
Every command reads the service's configuration (CONFIG_FILE, default config/default.json, and the
environment variables the server reads) and takes -h/--help: mail-autodiscover <command> --help.
Exit codes: 0 done, 1 failed, 2 usage.`;

const usage = (problem: string): Outcome => ({ code: 2, message: `mail-autodiscover: ${problem}\n\n${TOOL_USAGE}` });

/** The command named by the first one or two words, and the arguments after them. */
export function runTool(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  const [first, second] = args;
  if (first === undefined) return Promise.resolve(usage('name a command'));
  if (first === '-h' || first === '--help') return Promise.resolve({ code: 0, message: TOOL_USAGE });
  if (first.startsWith('-'))
    return Promise.resolve(usage(`unknown option ${JSON.stringify(first)} before the command`));
  const two = COMMANDS.find((command) => command.name === `${first} ${second ?? ''}`);
  if (two !== undefined) return two.run(args.slice(2), env);
  const one = COMMANDS.find((command) => command.name === first);
  if (one !== undefined) return one.run(args.slice(1), env);
  const group = COMMANDS.filter((command) => command.name.startsWith(`${first} `));
  if (group.length > 0) {
    const names = group.map((command) => JSON.stringify(command.name)).join(', ');
    return Promise.resolve(
      second === undefined || second === '-h' || second === '--help'
        ? second === undefined
          ? usage(`${JSON.stringify(first)} needs a subcommand: ${names}`)
          : { code: 0, message: group.map((command) => command.usage).join('\n\n') }
        : usage(`unknown command ${JSON.stringify(`${first} ${second}`)}; ${JSON.stringify(first)} has ${names}`),
    );
  }
  return Promise.resolve(usage(`unknown command ${JSON.stringify(first)}`));
}

if (require.main === module) {
  void runTool(process.argv.slice(2), process.env).then(
    (outcome) => {
      (outcome.code === 0 || outcome.report === true ? process.stdout : process.stderr).write(`${outcome.message}\n`);
      process.exitCode = outcome.code;
    },
    (error: unknown) => {
      process.stderr.write(`mail-autodiscover: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
