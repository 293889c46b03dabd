import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, Request, Response } from 'express';
import proxyAddr from 'proxy-addr';

/**
 * What the discovery handlers need of Express while they run on Node's own request and response
 * (the fast lane gives them no Express prototypes: fast-lane.ts says why).
 */
export interface ExpressBridge {
  /** The client's address as Express's `req.ip` gives it: proxy-addr with the app's `trust proxy`. */
  readonly clientAddress: (req: IncomingMessage) => string;
  /**
   * Express's `req.secure`: TLS on this connection, unless a trusted proxy sent it, whose
   * X-Forwarded-Proto then decides (through Express's own getter, on Express objects). A client
   * that is not a trusted proxy keeps Node's plain objects.
   */
  readonly secure: (req: IncomingMessage, res: ServerResponse) => boolean;
  /**
   * The request and response as Express makes them in `app.handle` (its prototypes, `req.res`,
   * `res.locals`, `req.originalUrl`, `req.baseUrl`, `req.params`), for Express's own helpers
   * (`req.hostname`, `req.secure`, `res.redirect`, `res.send`) on the paths that use them.
   * Changing a live object's prototype costs every access after it, so only rare paths ask.
   */
  readonly expressObjects: (req: IncomingMessage, res: ServerResponse) => { req: Request; res: Response };
}

type TrustFunction = (address: string, hop: number) => boolean;

export function expressBridgeOf(app: Express): ExpressBridge {
  const requestPrototype = app.request as object;
  const responsePrototype = app.response as object;
  // Read at each call: Express compiles `trust proxy fn` whenever 'trust proxy' is set.
  const trust = (): TrustFunction => app.get('trust proxy fn') as TrustFunction;
  const expressObjects: ExpressBridge['expressObjects'] = (req, res) => {
    if (Object.getPrototypeOf(req) !== requestPrototype) Object.setPrototypeOf(req, requestPrototype);
    if (Object.getPrototypeOf(res) !== responsePrototype) Object.setPrototypeOf(res, responsePrototype);
    // What app.handle and Express's router set, where they are not set yet.
    const request = req as IncomingMessage & Partial<Pick<Request, 'res' | 'originalUrl' | 'baseUrl' | 'params'>>;
    const response = res as ServerResponse & Partial<Pick<Response, 'locals'>>;
    request.res = response as Response;
    request.originalUrl ??= req.url ?? '';
    request.baseUrl ??= '';
    request.params ??= {};
    response.locals ??= Object.create(null) as Response['locals'];
    return { req: request as Request, res: response as Response };
  };
  return {
    clientAddress: (req) => proxyAddr(req, trust()),
    secure: (req, res) => {
      const remoteAddress = req.socket.remoteAddress;
      if (remoteAddress !== undefined && !trust()(remoteAddress, 0))
        return (req.socket as { encrypted?: boolean }).encrypted === true;
      return expressObjects(req, res).req.secure;
    },
    expressObjects,
  };
}
