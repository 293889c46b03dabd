import { Pool } from 'pg';
import type { Logger } from 'pino';
import type { PostgresDirectoryConfig } from '../config/directory-schema';
import { parsePlatform } from '../config/platform-schema';
import { ACCESS_TYPES, type AccessType } from '../model/access-type';
import type { DomainPlatform } from '../model/platform';
import { err, ok, type Result } from '../model/result';
import {
  DirectoryDataError,
  DirectoryUnavailableError,
  type AccountDirectory,
  type AccountQuery,
  type DirectoryAnswer,
} from './account-directory';
import { applyDomainDefault, NO_RECORDS, type AccountRecords } from './apply-domain-default';
import { lookupSql } from './postgres-schema';

export type PostgresSettings = Omit<PostgresDirectoryConfig, 'type'>;

interface LookupRow {
  readonly default_access_type: string;
  /** jsonb, parsed by pg; null without a platform of the domain's own. */
  readonly platform: unknown;
  readonly access_type: string | null;
  readonly display_name: string | null;
}

/**
 * SQLSTATEs meaning the tables are not there or not up to date: the database was never migrated (or
 * not since a version added a column: 42703), or the schema is wrong.
 */
const NOT_MIGRATED = new Set(['42P01', '3F000', '42703']);
/** The server ended this connection (pg_terminate_backend, restart): a fresh connection may well work. */
const CONNECTION_ENDED = new Set(['57P01', '57P02', 'ECONNRESET', 'EPIPE']);

/** A pool with every wait bounded; shared by the directory and `npm run db:migrate`. */
export function createPool(settings: PostgresSettings, applicationName: string): Pool {
  return new Pool({
    connectionString: settings.url,
    max: settings.poolMax,
    connectionTimeoutMillis: settings.connectionTimeoutMs,
    idleTimeoutMillis: settings.idleTimeoutMs,
    // The server cancels a slow lookup; the client gives up a second later if the server is silent.
    statement_timeout: settings.statementTimeoutMs,
    query_timeout: settings.statementTimeoutMs + 1000,
    application_name: applicationName,
  });
}

/**
 * Account directory in PostgreSQL (tables in postgres-schema.ts). One parameterised query a lookup;
 * every failure to answer (refused, timed out, terminated, not migrated) is a
 * DirectoryUnavailableError, so the routers answer with their temporary error.
 */
export class PostgresDirectory implements AccountDirectory {
  private readonly pool: Pool;
  private readonly statement: { readonly name: string; readonly text: string };
  private readonly retries: number;

  constructor(
    settings: PostgresSettings,
    private readonly logger: Pick<Logger, 'warn'>,
    applicationName = 'mail-autodiscover',
  ) {
    this.pool = createPool(settings, applicationName);
    // An idle connection the server drops emits here; without a listener it would crash the process.
    this.pool.on('error', (error) => {
      this.logger.warn(
        { err: error },
        'PostgreSQL dropped an idle directory connection; the next lookup opens a new one',
      );
    });
    this.statement = { name: `mail_directory_lookup_${settings.schema}`, text: lookupSql(settings.schema) };
    this.retries = settings.poolMax;
  }

  async lookup(query: AccountQuery): Promise<DirectoryAnswer> {
    return applyDomainDefault(query, await this.find(query));
  }

  /** The domain's row and the address's own, in one round trip; throws DirectoryUnavailableError when it cannot tell. */
  async find(query: AccountQuery): Promise<AccountRecords> {
    const rows = await this.queryRows([query.domain, query.address]);
    const row = rows[0];
    if (row === undefined) return NO_RECORDS;
    const defaultAccessType = accessTypeOf(row.default_access_type);
    return {
      domain:
        row.platform === null
          ? { defaultAccessType }
          : { defaultAccessType, platform: platformOf(query.domain, row.platform) },
      account:
        row.access_type === null ? null : { accessType: accessTypeOf(row.access_type), displayName: row.display_name },
    };
  }

  /**
   * Start-up check: missing tables are a problem to fix before starting; an unreachable server is
   * only logged, so the service starts and answers with temporary errors until it is back.
   */
  async check(): Promise<Result<void, string>> {
    try {
      await this.find({ domain: 'example.invalid', address: null });
    } catch (error) {
      if (error instanceof DirectoryUnavailableError && NOT_MIGRATED.has(codeOf(error.cause)))
        return err(`directory: ${error.message}`);
      this.logger.warn(
        { err: error },
        'PostgreSQL directory not reachable at start-up; answering with temporary errors until it is',
      );
    }
    return ok(undefined);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async queryRows(values: readonly (string | null)[]): Promise<readonly LookupRow[]> {
    // Connections the server ended while idle (restart, pg_terminate_backend) can be handed out
    // before their error arrives; each fails at once, so try again, at most once per pooled connection.
    for (let attempt = 0; ; attempt += 1) {
      try {
        const result = await this.pool.query<LookupRow>({ ...this.statement, values: [...values] });
        return result.rows;
      } catch (error) {
        if (attempt < this.retries && isEndedConnection(error)) continue;
        throw new DirectoryUnavailableError(`PostgreSQL directory cannot answer: ${describePostgresError(error)}`, {
          cause: error,
        });
      }
    }
  }
}

function accessTypeOf(value: string): AccessType {
  const found = ACCESS_TYPES.find((type) => type === value);
  if (found === undefined)
    throw new DirectoryUnavailableError(`PostgreSQL directory holds an unknown access type ${JSON.stringify(value)}`);
  return found;
}

/**
 * A row's platform, checked as the account file's are. A broken one is no answer at all: the
 * provider-wide hosts would send the domain's users to the wrong servers.
 */
function platformOf(domain: string, value: unknown): DomainPlatform {
  const platform = parsePlatform('PostgreSQL directory: mail_domains.platform', domain, value);
  if (!platform.ok)
    throw new DirectoryDataError(`${platform.error.join('; ')}; fix the row (docs/protocols.md §14 lists the keys)`);
  return platform.value;
}

function codeOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : '';
}

function isEndedConnection(error: unknown): boolean {
  if (CONNECTION_ENDED.has(codeOf(error))) return true;
  const message = error instanceof Error ? error.message : '';
  return message.includes('Connection terminated unexpectedly') || message.includes('not queryable');
}

/** The error's message and SQLSTATE, with the fix where there is one. */
export function describePostgresError(error: unknown): string {
  const code = codeOf(error);
  // Duck-typed (errors of node:net may come from another realm); an AggregateError (every address
  // of a host refused) has no message of its own.
  const { message, errors } =
    typeof error === 'object' && error !== null ? (error as { message?: unknown; errors?: unknown }) : {};
  const text =
    typeof message === 'string' && message !== ''
      ? message
      : Array.isArray(errors)
        ? errors.map(String).join('; ')
        : String(error);
  if (NOT_MIGRATED.has(code)) return `${text} (${code}); create or upgrade the tables with "npm run db:migrate"`;
  return code === '' ? text : `${text} (${code})`;
}
