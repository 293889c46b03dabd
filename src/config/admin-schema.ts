import { z } from 'zod';
import type { EnvironmentBinding } from './environment-binding';

export const ADMIN_TOKEN_MIN_LENGTH = 16;

/** A bearer token, or null for none; it is a secret, so problems are reported without echoing it. */
export const bearerToken = (variable: string) =>
  z
    .string()
    .nullable()
    .default(null)
    .check((ctx) => {
      if (ctx.value === null) return;
      if (ctx.value.length >= ADMIN_TOKEN_MIN_LENGTH && /^[\x21-\x7e]+$/.test(ctx.value)) return;
      ctx.issues.push({
        code: 'custom',
        message:
          `must be at least ${ADMIN_TOKEN_MIN_LENGTH} printable ASCII characters without spaces, e.g. from ` +
          `\`openssl rand -hex 32\` (the environment variable ${variable} sets it too; the value is not shown)`,
        input: undefined,
      });
    });

/** The admin HTTP API (`admin` in the config file): absent, and its paths 404, unless a token is set. */
export const adminSchema = z
  .strictObject({
    /** Bearer token of `POST /admin/cache/invalidate`; env ADMIN_TOKEN overrides it. null: no admin API. */
    token: bearerToken('ADMIN_TOKEN'),
  })
  .prefault({});

export const adminEnvironment: readonly EnvironmentBinding[] = [{ variable: 'ADMIN_TOKEN', path: ['admin', 'token'] }];
