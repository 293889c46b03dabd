import { z } from 'zod';
import { addressEntryProblem } from './trust-proxy';

/** One allowlist entry: an IP or CIDR subnet, as proxy-addr (which matches them) reads it. */
const allowedClients = z.array(
  z.string().check((ctx) => {
    const reason = addressEntryProblem(ctx.value);
    if (reason !== null) {
      ctx.issues.push({
        code: 'custom',
        message: `entry ${JSON.stringify(ctx.value)} is not an IP address or CIDR subnet (${reason}); write e.g. "52.96.0.0/12" or "2603:1006::/40"`,
        input: ctx.value,
      });
    }
  }),
);

/** Per-IP request limit on the anonymous discovery endpoints (`rateLimit` in the config file). */
export const rateLimitSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /**
     * Requests one client IP may make per window. A client configuring one account makes a handful;
     * Microsoft's AutoDetect service and NATed offices share addresses, hence the headroom.
     */
    points: z.int().min(1).max(1_000_000).default(120),
    /** Window length in seconds. */
    durationSeconds: z.int().min(1).max(86_400).default(60),
    /**
     * Client addresses (IPs, CIDR subnets) never limited: services that ask for many users from few
     * addresses, such as Microsoft's cloud for Outlook mobile and new Outlook (README "Rate limit").
     */
    allowlist: allowedClients.default([]),
  })
  .prefault({});
