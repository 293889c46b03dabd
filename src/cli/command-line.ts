import { parseArgs } from 'node:util';
import type { Outcome } from './outcome';

/**
 * One command of the `mail-autodiscover` tool (src/cli/main.ts). Every command reads its arguments
 * through parseCommandLine, so `--help`, unknown options and stray arguments behave the same everywhere.
 */
export interface CliCommand {
  /** The words that name it on the command line: `check`, `cache invalidate`. */
  readonly name: string;
  /** One line for the tool's own `--help`. */
  readonly summary: string;
  /** Printed by `--help` (exit 0) and after a usage error (exit 2). */
  readonly usage: string;
  run(args: string[], env: NodeJS.ProcessEnv): Promise<Outcome>;
}

export interface ParsedCommandLine<Values> {
  readonly values: Values;
  readonly positionals: string[];
}

/** The options a command takes besides --help: strings (repeatable with `multiple`) and flags, as node:util parseArgs reads them. */
export type OptionSpec = Readonly<
  Record<string, { readonly type: 'string'; readonly multiple?: true } | { readonly type: 'boolean' }>
>;

/** What parseArgs returns for an OptionSpec: each option absent or of its type (a repeatable one, every value given). */
export type OptionValues<Options extends OptionSpec> = {
  readonly [Name in keyof Options]?: Options[Name] extends { readonly multiple: true }
    ? string[]
    : Options[Name]['type'] extends 'string'
      ? string
      : boolean;
};

/**
 * node:util parseArgs in strict mode (unknown options are errors) with `-h, --help` added, and the
 * number of positional arguments checked. Returns the values, or the Outcome to end with: the usage
 * on stdout for --help, or the problem and the usage on stderr with exit code 2.
 */
export function parseCommandLine<Options extends OptionSpec>(
  command: Pick<CliCommand, 'name' | 'usage'>,
  args: string[],
  options: Options,
  positionals: { readonly min: number; readonly max: number; readonly what: string },
): ParsedCommandLine<OptionValues<Options>> | Outcome {
  let parsed;
  // parseArgs in strict mode gives each option only its declared type, which OptionValues spells out.
  try {
    parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return usageError(command, error instanceof Error ? error.message : String(error));
  }
  const values = parsed.values as OptionValues<Options> & { readonly help?: boolean };
  if (values.help === true) return { code: 0, message: command.usage };
  const count = parsed.positionals.length;
  if (count < positionals.min) return usageError(command, `give ${positionals.what}`);
  if (count > positionals.max) {
    const unexpected = JSON.stringify(parsed.positionals[positionals.max]);
    return usageError(
      command,
      positionals.max === 0
        ? `unexpected argument ${unexpected}`
        : `give ${positionals.what}; unexpected argument ${unexpected}`,
    );
  }
  return { values, positionals: parsed.positionals };
}

/** A usage problem: exit code 2, the problem named, then the command's usage. */
export function usageError(command: Pick<CliCommand, 'name' | 'usage'>, problem: string): Outcome {
  return { code: 2, message: `${command.name}: ${problem}\n\n${command.usage}` };
}

/** Whether a parse ended the command (help or a usage error) instead of giving its values. */
export const isOutcome = (value: object): value is Outcome => 'code' in value && 'message' in value;
