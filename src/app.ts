import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { buildProviderProfile } from './config/provider-profile';
import type { AppConfig } from './config/schema';
import type { AccountDirectory } from './directory/account-directory';
import { createDiscover } from './discovery/discover';
import { createErrorHandler, notFound } from './http/error-handler';
import { createHealthRouter } from './http/health';
import { createRequestLogger } from './http/logger';
import { createSecurityHeaders } from './http/security';
import { createAutoconfigRouter } from './protocols/autoconfig/router';
import { createAutodiscoverJsonRouter } from './protocols/autodiscover-json/router';
import { createAutodiscoverRouter } from './protocols/autodiscover/router';
import { createMobileconfigRouter } from './protocols/mobileconfig/router';

export interface AppDeps {
  readonly config: AppConfig;
  /** The account directory, with its cache already in front. */
  readonly directory: AccountDirectory;
  readonly logger: Logger;
  /** Clock for Autodiscover error timestamps; fixed in golden tests. */
  readonly now?: () => Date;
}

/** The whole HTTP service, without listening: main.ts listens, supertest imports this. */
export function buildApp(deps: AppDeps): Express {
  const { config, logger } = deps;
  const discover = createDiscover(deps.directory, buildProviderProfile(config), {
    revealDisplayNames: config.privacy.revealDisplayNames,
  });
  const onLookupFailure = (error: unknown): void => {
    logger.warn({ err: error }, 'account directory lookup failed; answering with a temporary error');
  };

  const app = express();
  app.disable('x-powered-by');
  // Answers are per user and no-store; an ETag would only invite revalidation.
  app.set('etag', false);
  app.set('trust proxy', config.server.trustProxy);
  app.use(createRequestLogger(logger));
  app.use(createSecurityHeaders());
  app.use(createHealthRouter());
  app.use(
    createAutodiscoverRouter({
      discover,
      maxBodyBytes: config.server.maxBodyBytes,
      serverId: config.autodiscover.serverId,
      now: deps.now ?? (() => new Date()),
      onLookupFailure,
      plainHttpRedirectUrl: (config.server.redirectPlainHttpAutodiscover ?? config.server.https !== null) ? config.autodiscover.publicUrl : null,
    }),
  );
  app.use(createAutodiscoverJsonRouter({ discover, autodiscoverUrl: config.autodiscover.publicUrl, onLookupFailure }));
  app.use(createAutoconfigRouter({ discover, provider: config.provider, onLookupFailure }));
  app.use(createMobileconfigRouter({ discover, provider: config.provider, onLookupFailure }));
  app.use(notFound);
  app.use(createErrorHandler(logger));
  return app;
}
