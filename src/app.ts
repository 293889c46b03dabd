import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { buildProviderProfile } from './config/provider-profile';
import type { AppConfig } from './config/schema';
import type { InvalidatableDirectory } from './cache/cached-directory';
import { createDiscover } from './discovery/discover';
import { createAdminRouter } from './http/admin-router';
import { createErrorHandler, notFound } from './http/error-handler';
import { createHealthRouter } from './http/health-router';
import { createRequestLogger } from './http/logger';
import { createSecurityHeaders } from './http/security-headers';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { createAutoconfigRouter } from './protocols/autoconfig/router';
import { createAutodiscoverJsonRouter } from './protocols/autodiscover-json/router';
import { createAutodiscoverRouter } from './protocols/autodiscover/router';
import { createMobileconfigRouter } from './protocols/mobileconfig/router';

/** What the app is built from; compose.ts builds each from the config (tests through it too). */
export interface AppDeps {
  readonly config: AppConfig;
  /** The account directory with its cache in front; the admin API drops cached answers through it. */
  readonly directory: InvalidatableDirectory;
  readonly logger: Logger;
  /** Clock for Autodiscover error timestamps; fixed in golden tests. */
  readonly now?: () => Date;
  /** Per-IP limiter: Redis-backed when Redis is configured, in memory otherwise. */
  readonly rateLimiter: RateLimiterAbstract;
}

/** The whole HTTP service, without listening: main.ts listens (through compose.ts), supertest imports this. */
export function buildApp(deps: AppDeps): Express {
  const { config, logger } = deps;
  const discover = createDiscover(deps.directory, buildProviderProfile(config), {
    revealDisplayNames: config.privacy.revealDisplayNames,
    onUnexpectedError: (error) =>
      logger.error({ err: error }, 'account lookup failed unexpectedly; answered with a temporary error'),
  });
  const now = deps.now ?? (() => new Date());

  const app = express();
  app.disable('x-powered-by');
  // Answers are per user and no-store; an ETag would only invite revalidation.
  app.set('etag', false);
  app.set('trust proxy', config.server.trustProxy);
  app.use(createRequestLogger(logger));
  app.use(createSecurityHeaders());
  app.use(createHealthRouter());
  // The admin API exists only with a token; otherwise its paths 404 like any unknown path.
  if (config.admin.token !== null) {
    app.use(createAdminRouter({ token: config.admin.token, directory: deps.directory, logger }));
  }
  // One limiter for every discovery path, so a client has one budget; each protocol answers 429 in its own format.
  const rateLimiter = config.rateLimit.enabled ? deps.rateLimiter : null;
  app.use(
    createAutodiscoverRouter({
      discover,
      maxBodyBytes: config.server.maxBodyBytes,
      serverId: config.autodiscover.serverId,
      now,
      plainHttpRedirectUrl: config.server.redirectPlainHttpAutodiscover ? config.autodiscover.publicUrl : null,
      rateLimiter,
    }),
  );
  app.use(createAutodiscoverJsonRouter({ discover, autodiscoverUrl: config.autodiscover.publicUrl, rateLimiter }));
  app.use(createAutoconfigRouter({ discover, provider: config.provider, rateLimiter }));
  app.use(createMobileconfigRouter({ discover, issuer: config.provider, rateLimiter }));
  app.use(notFound);
  app.use(createErrorHandler(logger));
  return app;
}
