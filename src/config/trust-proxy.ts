import proxyAddr from 'proxy-addr';
import { z } from 'zod';

/**
 * `server.trustProxy`: which peers may tell the client's address (X-Forwarded-For) and scheme
 * (X-Forwarded-Proto), as Express's "trust proxy". The recommended form is the proxies' own
 * addresses, so a client that reaches the service directly cannot pick its own address and with it
 * a fresh rate-limit budget per request.
 */
export type TrustProxy = boolean | number | readonly string[];

const ENTRY_FIX =
  'list the proxies’ own addresses: IPs, CIDR subnets such as "10.0.0.0/8", or "loopback", "linklocal", "uniquelocal" (see README "Configuration")';

/** Proxy addresses as a list or as one comma-separated string (Express's own form), read as a list. */
const proxyList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (typeof value === 'string' ? value.split(',') : value).map((entry) => entry.trim()))
  .superRefine((entries, context) => {
    for (const entry of entries) {
      const reason = addressEntryProblem(entry);
      if (reason !== null)
        context.addIssue({
          code: 'custom',
          message: `entry ${JSON.stringify(entry)} is not usable (${reason}); ${ENTRY_FIX}`,
        });
    }
  });

/**
 * Why proxy-addr, which matches addresses against these lists at run time (Express's trust proxy, the
 * rate-limit allowlist), would refuse `entry`: checked by the same parser at start-up. null: usable.
 */
export function addressEntryProblem(entry: string): string | null {
  try {
    proxyAddr.compile(entry);
    return null;
  } catch (error: unknown) {
    return error instanceof Error ? error.message : String(error);
  }
}

const SETTING_FIX = `must be false, a list of proxy addresses, true or a hop count (whole number from 0); ${ENTRY_FIX}`;

export const trustProxySchema = z.union([z.boolean(), z.int().min(0, { error: SETTING_FIX }), proxyList], {
  error: SETTING_FIX,
});

/**
 * What start-up warns about: `true` or a hop count trusts whatever peer connects, so any client that
 * reaches the service directly sets X-Forwarded-For itself. null when only named proxies (or none)
 * are trusted; a hop count of 0 trusts nobody.
 */
export function trustProxyHazard(trustProxy: TrustProxy): string | null {
  if (trustProxy === true || (typeof trustProxy === 'number' && trustProxy > 0)) {
    return (
      `server.trustProxy is ${JSON.stringify(trustProxy)}: any client that reaches the service directly can set ` +
      'X-Forwarded-For to any address and so dodge the per-IP rate limit (and claim HTTPS with X-Forwarded-Proto); ' +
      'set it to the proxies’ own addresses instead, e.g. ["loopback"] behind a proxy on the same host or the ' +
      'load balancer’s subnet (see README "Configuration")'
    );
  }
  return null;
}
