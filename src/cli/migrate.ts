import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { directorySchema, type PostgresDirectoryConfig } from '../config/directory-schema';
import { formatIssues } from '../config/format-issues';
import { loadConfig } from '../config/load';
import { err, ok, type Result } from '../model/result';
import { readDirectoryFile } from '../directory/file-directory';
import { migrate, MigrationConflictError, seed, type MigrationReport } from '../directory/postgres-admin';
import { createPool, describePostgresError } from '../directory/postgres-directory';
import { LATEST_VERSION, schemaSql } from '../directory/postgres-schema';
import { isOutcome, parseCommandLine, usageError, type CliCommand } from './command-line';

const USAGE = `Usage: mail-autodiscover migrate [--print] [--schema NAME]
       mail-autodiscover seed [FILE] [--replace] [--schema NAME]
  mail-autodiscover migrate                      apply the schema versions the database lacks (safe to repeat)
  mail-autodiscover migrate --print              print every version as one SQL script (schema "public" or --schema)
  mail-autodiscover seed [FILE] [--replace]      load a JSON/YAML account file (default: the config's directory.file)
                                                 into the tables; --replace deletes rows not in the file
  (from a checkout: npm run db:migrate, npm run db:seed -- [FILE] [--replace])
Options: --schema NAME (or --schema=NAME) overrides directory.schema; -h, --help prints this.
The database is the config's directory (CONFIG_FILE, directory.type "postgres"); DATABASE_URL overrides
its url, and names the database when the config uses another directory type.
Exit codes: 0 done, 1 failed, 2 usage.`;

interface Command {
  readonly name: 'migrate' | 'seed';
  readonly print: boolean;
  readonly replace: boolean;
  readonly schema: string | undefined;
  readonly file: string | undefined;
}

const OPTIONS_WITHOUT_HELP = {
  print: { type: 'boolean' },
  replace: { type: 'boolean' },
  schema: { type: 'string' },
} as const;
const OPTIONS = { ...OPTIONS_WITHOUT_HELP, help: { type: 'boolean', short: 'h' } } as const;

/** `--help` is answered before anything else; every other problem comes back with the usage. */
function parseArguments(args: string[]): Result<Command | 'help', string> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    return err(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return ok('help');
  const [name, ...rest] = positionals;
  if (name !== 'migrate' && name !== 'seed') return err(`unknown command ${JSON.stringify(name ?? '')}`);
  if (name === 'migrate' && values.replace === true) return err('--replace belongs to seed');
  if (name === 'seed' && values.print === true) return err('--print belongs to migrate');
  const allowedPositionals = name === 'seed' ? 1 : 0;
  if (rest.length > allowedPositionals) return err(`unexpected argument ${JSON.stringify(rest[allowedPositionals])}`);
  return ok({
    name,
    print: values.print === true,
    replace: values.replace === true,
    schema: values.schema,
    file: rest[0],
  });
}

/** The PostgreSQL settings: the service's own config, or DATABASE_URL when the config names another directory. */
function databaseSettings(
  env: NodeJS.ProcessEnv,
  schema: string | undefined,
): Result<{ settings: PostgresDirectoryConfig; accountsFile: string | null }, string[]> {
  const loaded = loadConfig(env);
  if (!loaded.ok) return loaded;
  const { directory } = loaded.value.config;
  const databaseUrl = env['DATABASE_URL'];
  if (directory.type !== 'postgres' && (databaseUrl === undefined || databaseUrl === '')) {
    return err([
      `${loaded.value.configFile ?? 'config'}: directory.type is "${directory.type}"; set DATABASE_URL to the database, or CONFIG_FILE to a config whose directory.type is "postgres"`,
    ]);
  }
  const base = directory.type === 'postgres' ? directory : { type: 'postgres', url: databaseUrl };
  const parsed = directorySchema.safeParse(
    { ...base, ...(schema === undefined ? {} : { schema }) },
    { reportInput: true },
  );
  if (!parsed.success) return err(formatIssues('command line', parsed.error.issues));
  if (parsed.data.type !== 'postgres') return err(['directory: not a PostgreSQL directory']);
  return ok({ settings: parsed.data, accountsFile: loaded.value.accountsFile });
}

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<Result<string, string[]>> {
  const command = parseArguments(args);
  if (!command.ok) return err([command.error, USAGE]);
  if (command.value === 'help') return ok(USAGE);
  if (command.value.print) return ok(schemaSql(command.value.schema ?? 'public'));
  const found = databaseSettings(env, command.value.schema);
  if (!found.ok) return found;
  const { settings, accountsFile } = found.value;

  const pool = createPool(settings, 'mail-autodiscover-migrate');
  pool.on('error', () => undefined);
  try {
    if (command.value.name === 'migrate') {
      return ok(describeMigration(await migrate(pool, settings.schema)));
    }
    const file = command.value.file === undefined ? accountsFile : resolve(command.value.file);
    if (file === null) return err(['seed: name the account file, e.g. mail-autodiscover seed config/accounts.json']);
    const data = readDirectoryFile(file);
    if (!data.ok) return data;
    const counts = await seed(pool, settings.schema, data.value, { replace: command.value.replace });
    return ok(
      `schema "${settings.schema}": ${counts.domains} domain(s) and ${counts.accounts} account(s) loaded from ${file}${command.value.replace ? ' (replacing the previous rows)' : ''}`,
    );
  } catch (error) {
    if (error instanceof MigrationConflictError) return err([`db:migrate: ${error.message}`]);
    return err([`PostgreSQL: ${describePostgresError(error)}`]);
  } finally {
    await pool.end();
  }
}

/** One line per thing done, then where the schema stands. */
function describeMigration({ schema, applied, adopted, version }: MigrationReport): string {
  const lines = [
    ...(adopted ? [`schema "${schema}": tables from an unversioned db:migrate recorded as version 1`] : []),
    ...applied.map((step) => `schema "${schema}": applied version ${step.version} (${step.description})`),
  ];
  const state =
    version > LATEST_VERSION
      ? `at version ${version}, newer than this release knows (${LATEST_VERSION}); nothing to do`
      : lines.length === 0
        ? `at version ${version}, nothing to do`
        : `now at version ${version}`;
  return [...lines, `schema "${schema}": ${state}; tables mail_domains and mail_accounts are in place`].join('\n');
}

/** `migrate` and `seed` under the tool (src/cli/main.ts), through the same parser and exit codes as every command. */
function databaseCommand(name: 'migrate' | 'seed', summary: string): CliCommand {
  return {
    name,
    summary,
    usage: USAGE,
    async run(args, env) {
      // Options are checked by the tool's one parser first, so usage errors read as everywhere else.
      const parsed = parseCommandLine(this, args, OPTIONS_WITHOUT_HELP, {
        min: 0,
        max: name === 'seed' ? 1 : 0,
        what: name === 'seed' ? 'at most one account file' : 'no arguments',
      });
      if (isOutcome(parsed)) return parsed;
      const command = parseArguments([name, ...args]);
      if (!command.ok) return usageError(this, command.error);
      const result = await run([name, ...args], env);
      return result.ok ? { code: 0, message: result.value } : { code: 1, message: result.error.join('\n') };
    },
  };
}

export const migrateCommand = databaseCommand(
  'migrate',
  'create the PostgreSQL schema and tables if missing (--print: the SQL)',
);
export const seedCommand = databaseCommand('seed', 'load an account file into PostgreSQL');
