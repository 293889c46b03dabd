import { ADDRESS_ERROR_MESSAGES, parseDomainName, parseEmailAddress } from '../model/email-address';
import { err, ok, type Result } from '../model/result';

/**
 * What an admin drops from the cache, normalised: one address (its lookup key) or a whole domain
 * (ASCII). The admin API's body and answer are this object as JSON; the cache:invalidate CLI sends
 * it there, or straight to the shared cache.
 */
export type InvalidationTarget = { readonly address: string } | { readonly domain: string };

/** Where the admin API takes an invalidation (POST, body an InvalidationTarget as JSON). */
export const ADMIN_INVALIDATE_PATH = '/admin/cache/invalidate';

export const INVALIDATION_TARGET_EXAMPLE =
  'send a JSON object with exactly one of "address" or "domain", e.g. {"address": "jane@example.com"} or {"domain": "example.com"}';

/** Validates an untrusted target: exactly one of `address` or `domain`, each parsed as the discovery endpoints do. */
export function parseInvalidationTarget(input: unknown): Result<InvalidationTarget, string> {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return err(`${INVALIDATION_TARGET_EXAMPLE}, with Content-Type: application/json`);
  const fields = input as Record<string, unknown>;
  const unknownKeys = Object.keys(fields).filter((key) => key !== 'address' && key !== 'domain');
  if (unknownKeys.length > 0)
    return err(
      `unknown key(s) ${unknownKeys.map((key) => JSON.stringify(key)).join(', ')}; ${INVALIDATION_TARGET_EXAMPLE}`,
    );
  const { address, domain } = fields;
  if ((address === undefined) === (domain === undefined)) return err(INVALIDATION_TARGET_EXAMPLE);
  if (address !== undefined) {
    if (typeof address !== 'string') return err('address must be a string such as "jane@example.com"');
    const parsed = parseEmailAddress(address);
    return parsed.ok
      ? ok({ address: parsed.value.lookupKey })
      : err(`address: ${ADDRESS_ERROR_MESSAGES[parsed.error]}`);
  }
  const parsed = typeof domain === 'string' ? parseDomainName(domain) : null;
  if (parsed === null || !parsed.ok)
    return err(`domain must be a domain name such as "example.com", got ${JSON.stringify(domain)}`);
  return ok({ domain: parsed.value.ascii });
}

/** The domain a target lies in: an address's part after its last "@". */
export function domainOfTarget(target: InvalidationTarget): string {
  return 'address' in target ? target.address.slice(target.address.lastIndexOf('@') + 1) : target.domain;
}
