import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Router } from 'express';
import type { ExpressBridge } from '../http/express-bridge';
import type { NodeHandler } from '../http/fast-lane';
import { closeIfBodyUnread } from '../http/read-body';
import { recordOutcome, type DiscoveryProtocol } from '../http/request-outcome';

/**
 * The port-80 probe of Autodiscover clients (docs/protocols.md §3.6, §11.1): a plain-HTTP request
 * on the protocol's paths is redirected to its HTTPS URL, GET and HEAD with 302 (what the probe
 * expects), every other method with 307 (method and body kept: never 302 a POST, which clients
 * turn into a body-less GET). Transport, not an answer: Express writes the redirect as it always
 * does. Returns the handler for the protocol's fast-lane route; none when `url` is null.
 */
export function redirectPlainHttp(
  router: Router,
  paths: readonly string[],
  url: string | null,
  protocol: DiscoveryProtocol,
  bridge: ExpressBridge,
): NodeHandler[] {
  if (url === null) return [];
  const redirect = (plainReq: IncomingMessage, plainRes: ServerResponse, next: NextFunction): void => {
    if (bridge.secure(plainReq, plainRes)) {
      next();
      return;
    }
    const { req, res } = bridge.expressObjects(plainReq, plainRes);
    recordOutcome(res, { protocol, outcome: 'redirect-to-https' });
    closeIfBodyUnread(req, res);
    res.redirect(req.method === 'GET' || req.method === 'HEAD' ? 302 : 307, url);
  };
  router.all([...paths], redirect);
  return [redirect];
}
