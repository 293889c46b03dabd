import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { buildProviderProfile } from './config/provider-profile';
import type { AppConfig } from './config/schema';
import type { InvalidatableDirectory } from './cache/cached-directory';
import { createDiscover } from './discovery/discover';
import { createAdminRouter } from './http/admin';
import { createErrorHandler, notFound } from './http/error-handler';
import { createHealthRouter } from './http/health';
import { createRequestLogger } from './http/logger';
import { rateLimitMiddleware, type OnRateLimited } from './http/rate-limit';
import { createSecurityHeaders } from './http/security';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AUTOCONFIG_PATHS } from './protocols/autoconfig/paths';
import { AUTODISCOVER_JSON_CONTENT_TYPE, AUTODISCOVER_JSON_PATH } from './protocols/autodiscover-json/paths';
import { JSON_ERRORS } from './protocols/autodiscover-json/render';
import { AUTODISCOVER_CONTENT_TYPE, AUTODISCOVER_XML_PATH } from './protocols/autodiscover/paths';
import { renderAutodiscoverError } from './protocols/autodiscover/render-error';
import { MOBILECONFIG_PATH } from './protocols/mobileconfig/paths';
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
  if (config.rateLimit.enabled) {
    const limiter = deps.rateLimiter;
    const discoveryPaths = [AUTODISCOVER_XML_PATH, AUTODISCOVER_JSON_PATH, ...AUTOCONFIG_PATHS, MOBILECONFIG_PATH];
    app.use(discoveryPaths, rateLimitMiddleware(limiter, tooManyRequests(now, config.autodiscover.serverId)));
  }
  app.use(
    createAutodiscoverRouter({
      discover,
      maxBodyBytes: config.server.maxBodyBytes,
      serverId: config.autodiscover.serverId,
      now,
      plainHttpRedirectUrl:
        (config.server.redirectPlainHttpAutodiscover ?? config.server.https !== null)
          ? config.autodiscover.publicUrl
          : null,
    }),
  );
  app.use(createAutodiscoverJsonRouter({ discover, autodiscoverUrl: config.autodiscover.publicUrl }));
  app.use(createAutoconfigRouter({ discover, provider: config.provider }));
  app.use(createMobileconfigRouter({ discover, provider: config.provider }));
  app.use(notFound);
  app.use(createErrorHandler(logger));
  return app;
}

/** Over the limit: 429 with Retry-After (set by the middleware) and a body in the protocol's own format. */
function tooManyRequests(now: () => Date, serverId: number): OnRateLimited {
  return (req, res) => {
    const path = req.originalUrl.split('?')[0]?.toLowerCase() ?? '';
    res.set('Cache-Control', 'no-store');
    if (path.startsWith(AUTODISCOVER_XML_PATH)) {
      res.type(AUTODISCOVER_CONTENT_TYPE).send(renderAutodiscoverError(603, null, { now: now(), serverId }));
    } else if (path.startsWith(AUTODISCOVER_JSON_PATH)) {
      res.type(AUTODISCOVER_JSON_CONTENT_TYPE).send(JSON.stringify(JSON_ERRORS.tooManyRequests().body));
    } else {
      res.type('text/plain').send('Too many requests; try again later.\n');
    }
  };
}
