import { z } from 'zod';
import { platformSchema } from '../config/platform-schema';
import { ACCESS_TYPES } from '../model/access-type';
import { NOT_HOSTED, type AccountQuery } from '../directory/account-directory';
import type { InvalidationTarget } from './invalidation-target';
import { cacheKeyOf, cacheKeysOf, type CachedAnswer } from './lookup-cache';

/**
 * The one place that knows how the cache looks inside Redis. Keys, channel and values carry the
 * format version: a release that changes the format bumps it, and old entries are simply not found.
 *
 *   key      <prefix>:v1:<domain>|<address lookup key>   (address empty for a domain's own answer)
 *   value    {"v":1,"f":<fresh until, epoch ms>,"a":<directory answer>}
 *            (the answer's "platform", a domain's own platform, only where the domain has one:
 *            entries written before platforms existed read as before; docs/protocols.md §14)
 *   channel  <prefix>:v1:invalidate   message {"v":1,"mailbox":"<address>"} or {"v":1,"domain":"..."}
 *   limiter  <prefix>:v1:rl:<client IP>   (rate-limiter-flexible's own value: points used, expiry)
 *
 * The message names an address "mailbox", as it did before the code called it an address: instances
 * of the previous release share the channel during a rolling update.
 */
export const REDIS_FORMAT_VERSION = 1;

const namespaceOf = (prefix: string): string => `${prefix}:v${REDIS_FORMAT_VERSION}:`;

export function redisKeyOf(prefix: string, query: AccountQuery): string {
  return namespaceOf(prefix) + cacheKeyOf(query);
}

/** An exact key for an address; a SCAN MATCH pattern (glob characters escaped) for a domain. */
export function redisKeysOf(
  prefix: string,
  target: InvalidationTarget,
): { readonly exact: string } | { readonly pattern: string } {
  const keys = cacheKeysOf(target);
  if ('exact' in keys) return { exact: namespaceOf(prefix) + keys.exact };
  return { pattern: `${escapeGlob(namespaceOf(prefix) + keys.prefix)}*` };
}

/** Escapes Redis glob characters (`* ? [ ] \`) so the text matches only itself. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

export function invalidationChannelOf(prefix: string): string {
  return `${namespaceOf(prefix)}invalidate`;
}

/** The key prefix of the per-IP limiter's counters, which rate-limiter-flexible extends with `:<client IP>`. */
export function rateLimitKeyPrefixOf(prefix: string): string {
  return `${namespaceOf(prefix)}rl`;
}

const answerSchema = z.union([
  z.strictObject({
    hosted: z.literal(true),
    accessType: z.enum(ACCESS_TYPES),
    mailbox: z.enum(['known', 'unknown', 'not-asked']),
    displayName: z.string().nullable(),
    // Checked again on the way out: Redis is shared, and the answer decides which servers clients get.
    platform: platformSchema.optional(),
  }),
  z.strictObject({ hosted: z.literal(false) }),
]);

const entrySchema = z.strictObject({ v: z.literal(REDIS_FORMAT_VERSION), f: z.number(), a: answerSchema });

export function encodeEntry(cached: CachedAnswer): string {
  return JSON.stringify({ v: REDIS_FORMAT_VERSION, f: cached.freshUntil, a: cached.answer });
}

/** The entry, or undefined for a missing key, another format version or anything unreadable (a miss). */
export function decodeEntry(text: string | null): CachedAnswer | undefined {
  if (text === null) return undefined;
  const parsed = entrySchema.safeParse(parseJson(text));
  if (!parsed.success) return undefined;
  const answer = parsed.data.a;
  return { answer: answer.hosted ? answer : NOT_HOSTED, freshUntil: parsed.data.f };
}

const invalidationSchema = z.union([
  z.strictObject({ v: z.literal(REDIS_FORMAT_VERSION), mailbox: z.string().min(1) }),
  z.strictObject({ v: z.literal(REDIS_FORMAT_VERSION), domain: z.string().min(1) }),
]);

export function encodeInvalidation(target: InvalidationTarget): string {
  return JSON.stringify(
    'address' in target
      ? { v: REDIS_FORMAT_VERSION, mailbox: target.address }
      : { v: REDIS_FORMAT_VERSION, domain: target.domain },
  );
}

export function decodeInvalidation(text: string): InvalidationTarget | undefined {
  const parsed = invalidationSchema.safeParse(parseJson(text));
  if (!parsed.success) return undefined;
  return 'mailbox' in parsed.data ? { address: parsed.data.mailbox } : { domain: parsed.data.domain };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
