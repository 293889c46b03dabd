import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Discover } from '../../discovery/discover';
import { parseEmailAddress } from '../../model/email-address';
import { clientErrorStatusOf } from '../../http/client-error';
import { sendPerUserAnswer } from '../../http/no-store';
import { recordOutcome } from '../../http/outcome';
import { parseAutodiscoverRequest, type ResponseSchema } from './parse-request';
import { AUTODISCOVER_CONTENT_TYPE, AUTODISCOVER_XML_PATH } from './paths';
import { renderMobileSyncResponse, renderOutlookResponse } from './render';
import { renderAutodiscoverError, type AutodiscoverErrorCode } from './render-error';

export interface AutodiscoverRouterDeps {
  readonly discover: Discover;
  readonly maxBodyBytes: number;
  readonly serverId: number;
  readonly now: () => Date;
  /** When set, plain-HTTP requests are redirected here (GET 302, POST 307: method and body kept). */
  readonly plainHttpRedirectUrl: string | null;
}

/**
 * POST /autodiscover/autodiscover.xml for Outlook, Thunderbird and ActiveSync phones. Every answer,
 * errors included, is an Autodiscover document with HTTP 200 (as Exchange sends); never 401, since
 * this service checks no credentials.
 */
export function createAutodiscoverRouter(deps: AutodiscoverRouterDeps): Router {
  const router = express.Router();
  const sendError = (res: Response, code: AutodiscoverErrorCode, schema: ResponseSchema | null, status = 200): void => {
    sendPerUserAnswer(
      res,
      status,
      AUTODISCOVER_CONTENT_TYPE,
      renderAutodiscoverError(code, schema, { now: deps.now(), serverId: deps.serverId }),
    );
  };

  // Any Content-Type: clients send text/xml, application/xml, or nothing. Compressed bodies are refused.
  const readBody = express.raw({ type: () => true, limit: deps.maxBodyBytes, inflate: false });

  // Outlook's port-80 probe expects a redirect; never 302 a POST (clients turn it into a body-less GET).
  const plainHttpRedirectUrl = deps.plainHttpRedirectUrl;
  if (plainHttpRedirectUrl !== null) {
    router.all(AUTODISCOVER_XML_PATH, (req: Request, res: Response, next: NextFunction) => {
      if (req.secure) {
        next();
        return;
      }
      recordOutcome(res, { protocol: 'autodiscover', outcome: 'redirect-to-https' });
      res.redirect(req.method === 'GET' || req.method === 'HEAD' ? 302 : 307, plainHttpRedirectUrl);
    });
  }

  router.post(AUTODISCOVER_XML_PATH, readBody, async (req: Request, res: Response) => {
    const body: unknown = req.body;
    const parsed = parseAutodiscoverRequest(Buffer.isBuffer(body) ? body : Buffer.alloc(0));
    if (!parsed.ok) {
      const problem = parsed.error;
      recordOutcome(res, { protocol: 'autodiscover', outcome: problem.kind });
      switch (problem.kind) {
        case 'invalid-request': {
          sendError(res, 600, null);
          return;
        }
        case 'unsupported-schema': {
          sendError(res, 601, null);
          return;
        }
        case 'legacy-dn-only': {
          sendError(res, 500, problem.schema);
          return;
        }
      }
    }
    const { schema, emailAddress } = parsed.value;
    const address = parseEmailAddress(emailAddress);
    if (!address.ok) {
      recordOutcome(res, { protocol: 'autodiscover', outcome: `invalid-address:${address.error}` });
      sendError(res, 600, schema);
      return;
    }
    const domain = address.value.domain;
    const discovery = await deps.discover({ address: address.value });
    if (discovery.status === 'unavailable') {
      recordOutcome(res, { protocol: 'autodiscover', outcome: 'directory-unavailable', domain });
      sendError(res, 603, schema);
      return;
    }
    if (discovery.status === 'not-hosted') {
      recordOutcome(res, { protocol: 'autodiscover', outcome: 'not-hosted', domain });
      sendError(res, 500, schema);
      return;
    }
    const settings = discovery.settings;
    recordOutcome(res, { protocol: 'autodiscover', outcome: schema, domain, accessType: settings.accessType });
    if (schema === 'mobilesync') {
      // A POP access mailbox has no ActiveSync; 501 is read promptly by every EAS client (Action/Error is not).
      if (settings.accessType !== 'business') {
        sendError(res, 501, schema);
        return;
      }
      sendPerUserAnswer(res, 200, AUTODISCOVER_CONTENT_TYPE, renderMobileSyncResponse(settings));
      return;
    }
    const clientFollowsRedirectUrl = !/thunderbird/i.test(req.get('user-agent') ?? '');
    sendPerUserAnswer(
      res,
      200,
      AUTODISCOVER_CONTENT_TYPE,
      renderOutlookResponse(settings, { clientFollowsRedirectUrl }),
    );
  });

  // GET probes (Remote Connectivity Analyzer, phones) and other methods: Exchange answers 600.
  router.all(AUTODISCOVER_XML_PATH, (_req: Request, res: Response) => {
    recordOutcome(res, { protocol: 'autodiscover', outcome: 'not-a-post' });
    sendError(res, 600, null);
  });

  // Body too large, aborted upload, compressed body: still an Autodiscover document, with the 4xx status.
  router.use(AUTODISCOVER_XML_PATH, (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = clientErrorStatusOf(error);
    if (status === null) {
      next(error);
      return;
    }
    recordOutcome(res, { protocol: 'autodiscover', outcome: `body-refused:${status}` });
    sendError(res, 600, null, status);
  });

  return router;
}
