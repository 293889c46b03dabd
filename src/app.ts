import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { buildProviderProfile } from './config/provider-profile';
import type { AppConfig } from './config/schema';
import type { InvalidatableDirectory } from './cache/cached-directory';
import { createDiscover } from './discovery/discover';
import { createAdminRouter } from './http/admin-router';
import { createErrorHandler, notFound } from './http/error-handler';
import { expressBridgeOf } from './http/express-bridge';
import { installFastLane } from './http/fast-lane';
import type { Readiness } from './health/readiness';
import { createHealthRoutes } from './http/health-router';
import { createRequestLogger, type RequestDoneListener } from './http/logger';
import { createMetricsRouter, type MetricsSource } from './http/metrics-router';
import { installAnswerPreamble } from './http/preamble';
import { createSecurityHeaders } from './http/security-headers';
import type { RequestLimiter } from './http/rate-limit';
import { createTlsAskRoutes } from './http/tls-ask-router';
import { createAutoconfigRoutes } from './protocols/autoconfig/router';
import { createAutodiscoverJsonRoutes } from './protocols/autodiscover-json/router';
import { soapUrlBeside } from './protocols/autodiscover-soap/paths';
import { createAutodiscoverSoapRoutes } from './protocols/autodiscover-soap/router';
import { createAutodiscoverRoutes } from './protocols/autodiscover/router';
import type { ProfileSigner } from './protocols/mobileconfig/profile-signer';
import { createMobileconfigRoutes } from './protocols/mobileconfig/router';
import { createPaccRoutes } from './protocols/pacc/router';
import { createSetupPageRouter } from './pages/setup/router';

/** What the app is built from; compose.ts builds each from the config (tests through it too). */
export interface AppDeps {
  readonly config: AppConfig;
  /** The account directory with its cache in front; the admin API drops cached answers through it. */
  readonly directory: InvalidatableDirectory;
  readonly logger: Logger;
  /** Clock for Autodiscover error timestamps; fixed in golden tests. */
  readonly now?: () => Date;
  /** Per-IP limiter: Redis-backed when Redis is configured, in memory otherwise. */
  readonly rateLimiter: RequestLimiter;
  /** Signs Apple profiles when `appleProfileSigning` is set (compose.ts opens it); none: unsigned. */
  readonly profileSigner?: ProfileSigner | null;
  /** Discovery requests skip Express's router (fast-lane.ts); default true, false only to compare. */
  readonly fastLane?: boolean;
  /** `/readyz`; without it only `/healthz` is served. */
  readonly readiness?: Readiness;
  /** With config.metrics.enabled: what each request tells the metrics, and `/metrics` here (source null: on a port of its own). */
  readonly metrics?: { readonly requestDone: RequestDoneListener; readonly source: MetricsSource | null };
}

/** The whole HTTP service, without listening: main.ts listens (through compose.ts), supertest imports this. */
export function buildApp(deps: AppDeps): Express {
  const { config, logger } = deps;
  const profile = buildProviderProfile(config);
  const discover = createDiscover(deps.directory, profile, {
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
  installAnswerPreamble(app);
  const bridge = expressBridgeOf(app);
  const logRequest = createRequestLogger(logger, deps.metrics?.requestDone ?? null, bridge.clientAddress);
  const securityHeaders = createSecurityHeaders();
  app.use(logRequest);
  app.use(securityHeaders);
  const health = createHealthRoutes(deps.readiness ?? null);
  app.use(health.router);
  const metricsSource = deps.metrics?.source ?? null;
  if (metricsSource !== null) app.use(createMetricsRouter(metricsSource, config.metrics.token));
  // Caddy's on-demand TLS ask; Caddy is its one caller, so it spends no per-IP budget (tls-ask-router.ts).
  const tlsAsk = createTlsAskRoutes({
    discover,
    providerHostNames: [
      ...config.server.onDemandTls.providerHostNames,
      new URL(config.autodiscover.publicUrl).hostname,
    ],
  });
  app.use(tlsAsk.router);
  // The admin API exists only with a token; otherwise its paths 404 like any unknown path.
  if (config.admin.token !== null) {
    app.use(createAdminRouter({ token: config.admin.token, directory: deps.directory, logger }));
  }
  // One limiter for every discovery path, so a client has one budget; each protocol answers 429 in its own format.
  const rateLimiter = config.rateLimit.enabled ? deps.rateLimiter : null;
  const protocols = [
    createAutodiscoverRoutes({
      discover,
      maxBodyBytes: config.server.maxBodyBytes,
      serverId: config.autodiscover.serverId,
      now,
      plainHttpRedirectUrl: config.server.redirectPlainHttpAutodiscover ? config.autodiscover.publicUrl : null,
      rateLimiter,
      express: bridge,
    }),
    createAutodiscoverJsonRoutes({
      discover,
      autodiscoverUrl: config.autodiscover.publicUrl,
      rateLimiter,
      express: bridge,
    }),
    createAutodiscoverSoapRoutes({
      discover,
      maxBodyBytes: config.server.maxBodyBytes,
      plainHttpRedirectUrl: config.server.redirectPlainHttpAutodiscover
        ? soapUrlBeside(config.autodiscover.publicUrl)
        : null,
      rateLimiter,
      express: bridge,
    }),
    createAutoconfigRoutes({
      discover,
      provider: config.provider,
      rateLimiter,
      express: bridge,
      providerDomains: config.provider.autoconfigDomains,
      profile,
    }),
    createMobileconfigRoutes({
      discover,
      issuer: config.provider,
      signer: deps.profileSigner ?? null,
      rateLimiter,
      express: bridge,
    }),
    createPaccRoutes({ discover, provider: config.provider, rateLimiter, express: bridge }),
  ];
  for (const { router } of protocols) app.use(router);
  // The setup page for people (docs/protocols.md §13): settings through discover() like the protocols, same budget.
  app.use(
    createSetupPageRouter({
      discover,
      site: {
        providerName: config.provider.name,
        webmailUrl: config.provider.webmailUrl,
        publicUrl: config.autodiscover.publicUrl,
      },
      rateLimiter,
      express: bridge,
    }),
  );
  const errorHandler = createErrorHandler(logger);
  app.use(notFound);
  app.use(errorHandler);
  // Discovery requests on their exact paths skip Express's router and run the same handlers (fast-lane.ts).
  if (deps.fastLane ?? true) {
    installFastLane(
      app,
      [health, tlsAsk, ...protocols].flatMap(({ fastRoutes }) => fastRoutes),
      { before: [logRequest, securityHeaders], errorHandlers: [errorHandler], notFound },
    );
  }
  return app;
}
