import { z } from 'zod';

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
  })
  .prefault({});
