import { z } from 'zod';
import type { EnvironmentBinding } from './environment-binding';
import { milliseconds } from './fields';

/**
 * Where the account directory lives (`directory` in the config file), chosen by `type`:
 * - `file` (the default): a JSON/YAML account file, re-read when it changes.
 * - `postgres`: the tables of src/directory/postgres-schema.ts (`npm run db:migrate`).
 * - `http`: a JSON endpoint of the account administration (contract in src/directory/http-directory.ts).
 * Secrets may come from the environment instead of the file (`directoryEnvironment` below).
 */

const fileDirectorySchema = z.strictObject({
  type: z.literal('file'),
  /** JSON or YAML account file, relative to the config file. */
  file: z.string().min(1, { error: 'must name the account file, e.g. "accounts.json"' }).default('accounts.json'),
  /** Re-read the file when it changes (a broken edit keeps the last good data and logs why). */
  watch: z.boolean({ error: 'must be true or false' }).default(true),
  /** Quiet time after the last change before re-reading, so an editor's multi-step save is read once. */
  reloadDelayMs: milliseconds(0, 60_000).default(200),
});

const postgresUrl = z
  .string({
    error: (issue) =>
      issue.input === undefined || issue.input === null
        ? 'is required when directory.type is "postgres": set it to a URL such as "postgres://mail@db.example:5432/mail" or set the environment variable DATABASE_URL'
        : 'must be a string such as "postgres://mail@db.example:5432/mail"',
  })
  .refine(
    (value) => {
      try {
        return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: 'must be a postgres:// or postgresql:// URL such as "postgres://mail@db.example:5432/mail"' },
  );

const postgresDirectorySchema = z.strictObject({
  type: z.literal('postgres'),
  /** Connection URL; the environment variable DATABASE_URL overrides it (keeps the password out of the file). */
  url: postgresUrl,
  /** Schema holding mail_domains and mail_accounts. */
  schema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, {
      error: 'must be a lower-case SQL identifier such as "public" or "mail" (letters, digits, "_")',
    })
    .default('public'),
  /** Most connections the pool opens. */
  poolMax: z
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be from 1 to 100' })
    .max(100, { error: 'must be from 1 to 100' })
    .default(10),
  /** How long opening a connection (or waiting for a free one) may take before the lookup fails. */
  connectionTimeoutMs: milliseconds(100, 60_000).default(2000),
  /** Server-side statement_timeout of a lookup; the client gives up 1 s later if the server does not answer at all. */
  statementTimeoutMs: milliseconds(100, 60_000).default(2000),
  /** Idle connections are closed after this long. */
  idleTimeoutMs: milliseconds(1000, 3_600_000).default(30_000),
});

/** Placeholders a URL template may use; each value is percent-encoded. */
export const URL_TEMPLATE_PLACEHOLDERS = ['domain', 'address'] as const;

const urlTemplate = z
  .string({
    error:
      'is required when directory.type is "http": a URL such as "https://admin.example/api/mail-directory?domain={domain}&address={address}"',
  })
  .superRefine((value, context) => {
    const unknown = [...value.matchAll(/\{([^}]*)\}/g)]
      .map((match) => match[1] ?? '')
      .filter((name) => !(URL_TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name));
    if (unknown.length > 0) {
      context.addIssue({
        code: 'custom',
        message: `has unknown placeholder(s) ${unknown.map((name) => `{${name}}`).join(', ')}; use {domain} (ASCII domain) and {address} (the lower-case address, empty when only the domain is asked)`,
      });
      return;
    }
    if (!value.includes('{domain}')) {
      context.addIssue({
        code: 'custom',
        message:
          'must contain {domain}, e.g. "https://admin.example/api/mail-directory?domain={domain}&address={address}"',
      });
      return;
    }
    let url: URL;
    try {
      url = new URL(value.replaceAll('{domain}', 'example.com').replaceAll('{address}', 'jane%40example.com'));
    } catch {
      context.addIssue({
        code: 'custom',
        message:
          'must be an absolute http:// or https:// URL such as "https://admin.example/api/mail-directory?domain={domain}"',
      });
      return;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      context.addIssue({ code: 'custom', message: `must be an http:// or https:// URL, not ${url.protocol}//` });
    } else if (url.username !== '' || url.password !== '') {
      context.addIssue({
        code: 'custom',
        message:
          'must not contain credentials; put the token in directory.bearerToken or the environment variable DIRECTORY_HTTP_TOKEN',
      });
    }
  });

const httpDirectorySchema = z.strictObject({
  type: z.literal('http'),
  /** GET target with {domain} and optionally {address}, e.g. "https://admin.example/api/mail-directory?domain={domain}&address={address}". */
  urlTemplate,
  /** Whole request (connect, headers and body) must finish within this time. */
  timeoutMs: milliseconds(100, 60_000).default(2000),
  /** Sent as `Authorization: Bearer <token>`; the environment variable DIRECTORY_HTTP_TOKEN overrides it. */
  bearerToken: z
    .string()
    .regex(/^[\x21-\x7e]+$/, { error: 'must be printable ASCII without spaces (an HTTP bearer token)' })
    .optional(),
  /** Larger response bodies are refused (the directory counts as unavailable). */
  maxResponseBytes: z
    .int()
    .min(256, { error: 'must be at least 256' })
    .max(16 * 1024 * 1024, { error: 'must be at most 16777216 (16 MiB)' })
    .default(64 * 1024),
});

const DIRECTORY_TYPES =
  'must be "file" (an account file, the default), "postgres" (PostgreSQL tables) or "http" (a JSON endpoint)';

/** A `directory` without `type` is a file directory, so `{"file": "accounts.yaml"}` keeps working. */
function defaultToFile(input: unknown): unknown {
  return typeof input === 'object' && input !== null && !Array.isArray(input) && !('type' in input)
    ? { ...input, type: 'file' }
    : input;
}

export const directorySchema = z
  .preprocess(
    defaultToFile,
    z.discriminatedUnion('type', [fileDirectorySchema, postgresDirectorySchema, httpDirectorySchema], {
      error: () => DIRECTORY_TYPES,
    }),
  )
  .prefault({});

export type DirectoryConfig = z.infer<typeof directorySchema>;
export type FileDirectoryConfig = z.infer<typeof fileDirectorySchema>;
export type PostgresDirectoryConfig = z.infer<typeof postgresDirectorySchema>;
export type HttpDirectoryConfig = z.infer<typeof httpDirectorySchema>;

/** Secrets kept out of the file; each applies only to the directory type that has the key. */
export const directoryEnvironment: readonly EnvironmentBinding[] = [
  { variable: 'DATABASE_URL', path: ['directory', 'url'], onlyWhen: { type: 'postgres' } },
  { variable: 'DIRECTORY_HTTP_TOKEN', path: ['directory', 'bearerToken'], onlyWhen: { type: 'http' } },
];
