import { resolve } from 'node:path';
import { directorySchema, type PostgresDirectoryConfig } from '../config/directory-schema';
import { formatIssues } from '../config/format-issues';
import { loadConfig } from '../config/load';
import { err, ok, type Result } from '../model/result';
import { readDirectoryFile } from '../directory/file-directory';
import { migrate, seed } from '../directory/postgres-admin';
import { createPool, describePostgresError } from '../directory/postgres-directory';
import { schemaSql } from '../directory/postgres-schema';

const USAGE = `Usage:
  npm run db:migrate                      create the schema and tables if missing (idempotent)
  npm run db:migrate -- --print           print the SQL (schema "public" or --schema) instead of running it
  npm run db:seed -- [FILE] [--replace]   load a JSON/YAML account file (default: the config's directory.file)
                                          into the tables; --replace deletes rows not in the file
Options: --schema NAME overrides directory.schema.
The database is the config's directory (CONFIG_FILE, directory.type "postgres"); DATABASE_URL overrides
its url, and names the database when the config uses another directory type.`;

interface Command {
  readonly name: 'migrate' | 'seed';
  readonly print: boolean;
  readonly replace: boolean;
  readonly schema: string | undefined;
  readonly file: string | undefined;
}

function parseArguments(args: readonly string[]): Result<Command, string> {
  const [name, ...rest] = args;
  if (name !== 'migrate' && name !== 'seed') return err(`unknown command ${JSON.stringify(name ?? '')}`);
  let print = false;
  let replace = false;
  let schema: string | undefined;
  let file: string | undefined;
  for (let index = 0; index < rest.length; index += 1) {
    const arg = rest[index] ?? '';
    if (arg === '--print' && name === 'migrate') print = true;
    else if (arg === '--replace' && name === 'seed') replace = true;
    else if (arg === '--schema' && rest[index + 1] !== undefined) schema = rest[(index += 1)];
    else if (!arg.startsWith('--') && name === 'seed' && file === undefined) file = arg;
    else return err(`unexpected argument ${JSON.stringify(arg)}`);
  }
  return ok({ name, print, replace, schema, file });
}

/** The PostgreSQL settings: the service's own config, or DATABASE_URL when the config names another directory. */
function databaseSettings(env: NodeJS.ProcessEnv, schema: string | undefined): Result<{ settings: PostgresDirectoryConfig; accountsFile: string | null }, string[]> {
  const loaded = loadConfig(env);
  if (!loaded.ok) return loaded;
  const { directory } = loaded.value.config;
  const databaseUrl = env['DATABASE_URL'];
  if (directory.type !== 'postgres' && (databaseUrl === undefined || databaseUrl === '')) {
    return err([`${loaded.value.configFile ?? 'config'}: directory.type is "${directory.type}"; set DATABASE_URL to the database, or CONFIG_FILE to a config whose directory.type is "postgres"`]);
  }
  const base = directory.type === 'postgres' ? directory : { type: 'postgres', url: databaseUrl };
  const parsed = directorySchema.safeParse({ ...base, ...(schema === undefined ? {} : { schema }) }, { reportInput: true });
  if (!parsed.success) return err(formatIssues('command line', parsed.error.issues));
  if (parsed.data.type !== 'postgres') return err(['directory: not a PostgreSQL directory']);
  return ok({ settings: parsed.data, accountsFile: loaded.value.accountsFile });
}

async function run(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Result<string, string[]>> {
  const command = parseArguments(args);
  if (!command.ok) return err([command.error, USAGE]);
  if (command.value.print) return ok(schemaSql(command.value.schema ?? 'public'));
  const found = databaseSettings(env, command.value.schema);
  if (!found.ok) return found;
  const { settings, accountsFile } = found.value;

  const pool = createPool(settings, 'mail-autodiscover-migrate');
  pool.on('error', () => undefined);
  try {
    if (command.value.name === 'migrate') {
      await migrate(pool, settings.schema);
      return ok(`schema "${settings.schema}": tables mail_domains and mail_accounts are in place`);
    }
    const file = command.value.file === undefined ? accountsFile : resolve(command.value.file);
    if (file === null) return err(['db:seed: name the account file, e.g. npm run db:seed -- config/accounts.json']);
    const data = readDirectoryFile(file);
    if (!data.ok) return data;
    const counts = await seed(pool, settings.schema, data.value, { replace: command.value.replace });
    return ok(`schema "${settings.schema}": ${counts.domains} domain(s) and ${counts.accounts} account(s) loaded from ${file}${command.value.replace ? ' (replacing the previous rows)' : ''}`);
  } catch (error) {
    return err([`PostgreSQL: ${describePostgresError(error)}`]);
  } finally {
    await pool.end();
  }
}

void run(process.argv.slice(2), process.env).then((result) => {
  if (result.ok) {
    process.stdout.write(`${result.value}\n`);
  } else {
    process.stderr.write(`${result.error.map((line) => `${line}\n`).join('')}`);
    process.exitCode = 1;
  }
});
