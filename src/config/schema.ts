import { z } from 'zod';
import { adminEnvironment, adminSchema } from './admin-schema';
import { appleProfileSigningSchema } from './apple-profile-signing-schema';
import { autodiscoverSchema } from './autodiscover-schema';
import { businessMailSchema, withBusinessMailSmtp } from './business-mail-schema';
import { cacheEnvironment, cacheSchema } from './cache-schema';
import { directoryEnvironment, directorySchema } from './directory-schema';
import type { EnvironmentBinding } from './environment-binding';
import { logEnvironment, logSchema } from './log-schema';
import { metricsEnvironment, metricsSchema } from './metrics-schema';
import { popAccessSchema } from './pop-access-schema';
import { privacySchema } from './privacy-schema';
import { providerSchema } from './provider-schema';
import { rateLimitSchema } from './rate-limit-schema';
import { serverEnvironment, serverSchema } from './server-schema';

/**
 * Every setting, composed from one schema file per section, each holding its keys' types, defaults,
 * purpose and environment variables. Defaults are the provider's own facts from its setup help
 * (every server `mamutmail.com`, Exchange domain `hosting01`); a config file only lists what differs.
 * Unknown keys are refused, so a misspelt key fails at start-up instead of silently keeping a default.
 * A default that depends on another section is resolved here, so the parsed config holds only
 * effective values.
 */
export const configSchema = z
  .strictObject({
    server: serverSchema,
    provider: providerSchema,
    autodiscover: autodiscoverSchema,
    popAccess: popAccessSchema,
    businessMail: businessMailSchema,
    appleProfileSigning: appleProfileSigningSchema,
    directory: directorySchema,
    cache: cacheSchema,
    rateLimit: rateLimitSchema,
    admin: adminSchema,
    privacy: privacySchema,
    log: logSchema,
    metrics: metricsSchema,
  })
  .check((ctx) => {
    const { metrics, server } = ctx.value;
    if (metrics.port === null) return;
    const clash =
      metrics.port === server.port ? 'server.port' : metrics.port === server.https?.port ? 'server.https.port' : null;
    if (clash === null) return;
    ctx.issues.push({
      code: 'custom',
      path: ['metrics', 'port'],
      message: `is ${clash} too; give metrics a port of its own, or null to serve /metrics on the service's ports`,
      input: metrics.port,
    });
  })
  .transform((config) => ({
    ...config,
    businessMail: withBusinessMailSmtp(config.businessMail, config.popAccess.smtp),
  }));

export type AppConfig = z.infer<typeof configSchema>;

/** Every environment variable that overrides a key of the config file. */
export const environmentBindings: readonly EnvironmentBinding[] = [
  ...serverEnvironment,
  ...logEnvironment,
  ...cacheEnvironment,
  ...adminEnvironment,
  ...metricsEnvironment,
  ...directoryEnvironment,
];
