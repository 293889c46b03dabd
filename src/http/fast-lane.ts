import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Express, NextFunction, RequestHandler, Router } from 'express';
import { expressBridgeOf, type ExpressBridge } from './express-bridge';
import { holdPreamble } from './preamble';

/**
 * A handler of a discovery route: Node's own request and response, as the fast lane passes them;
 * Express passes its own, which are those too. What a handler needs of Express it asks through the
 * ExpressBridge (express-bridge.ts).
 */
export type NodeHandler<Req extends IncomingMessage = IncomingMessage> = (
  req: Req,
  res: ServerResponse,
  next: NextFunction,
) => unknown;

/**
 * A discovery route as Express runs it: the exact middlewares and handler, in Express's order, for
 * one method on some paths. Each protocol router registers these same functions with Express and
 * hands them here too, so both ways of reaching them run the same code.
 */
export interface FastRoute {
  readonly method: 'GET' | 'POST';
  /**
   * Paths as Express routes them (matched case-insensitively here too). A last segment `:name`
   * matches one non-empty segment, which the handlers read from the path with the one strict
   * decoding (src/http/query-param.ts); Express routes it by a pattern without a parameter, so
   * req.params is empty both ways.
   */
  readonly paths: readonly string[];
  /** What Express runs for such a request after the app-wide middlewares, in its order. */
  readonly handlers: readonly NodeHandler[];
  /** What Express runs when one of them fails, before the app's own error handlers. */
  readonly errorHandlers?: readonly ErrorRequestHandler[];
}

/** What every request gets first and last, as the app registers them. */
export interface AppWideHandlers {
  readonly before: readonly NodeHandler[];
  readonly errorHandlers: readonly ErrorRequestHandler[];
  /** When every handler passes the request on: the app's 404. */
  readonly notFound: RequestHandler;
}

interface CompiledRoute {
  readonly handlers: readonly NodeHandler[];
  readonly errorHandlers: readonly ErrorRequestHandler[];
}

/**
 * The fast lane: discovery requests on their exact paths go straight to their route's handlers,
 * past Express's router, which otherwise matches every request against each layer of every router
 * in turn (path-to-regexp per layer, a closure per `next`, a parameter decoding pass), and past
 * Express's `app.handle`, which gives every request and response Express's prototypes.
 *
 * Why no Express prototypes: changing a live object's prototype (`Object.setPrototypeOf`, what
 * app.handle does) throws V8 off its fast paths for every access after it, in Node's own HTTP code
 * too; and having Node create them with those prototypes from birth (the `IncomingMessage` and
 * `ServerResponse` options of http.createServer, listeners.ts) still cost about 30,000 instructions
 * a request (README "Where the time went"). So discovery handlers run on Node's plain objects, which
 * is what they are typed as (NodeHandler); what they need of Express they ask through the
 * ExpressBridge, and the rare paths that use Express's helpers (a redirect, autoconfig by Host, an
 * error, a 404) get Express objects made as app.handle makes them. The answer preamble
 * (preamble.ts) is held on the response from the start, and a rejected promise goes to the error
 * handlers as Express 5 does.
 *
 * Installed as the app's own `handle` (what `app(req, res)` calls), so every way the app is served
 * (the listeners, supertest) goes through it. Anything else (another method, a path with a trailing
 * slash, an unknown path) goes to Express unchanged.
 */
export function installFastLane(app: Express, routes: readonly FastRoute[], appWide: AppWideHandlers): void {
  const exact = new Map<string, CompiledRoute>();
  const withParameter = new Map<string, CompiledRoute>();
  for (const route of routes) {
    for (const path of route.paths) {
      const match = /^(.*\/):\w+$/.exec(path);
      const compiled: CompiledRoute = {
        handlers: [...appWide.before, ...route.handlers],
        errorHandlers: [...(route.errorHandlers ?? []), ...appWide.errorHandlers],
      };
      const table = match === null ? exact : withParameter;
      const key = `${route.method} ${(match?.[1] ?? path).toLowerCase()}`;
      if (table.has(key)) throw new Error(`fast lane: two routes for ${key}`);
      table.set(key, compiled);
    }
  }

  // `handle` is what Express's app function calls for each request (express/lib/application.js);
  // its typings leave it out.
  const internals = app as Express & {
    handle: (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => void;
  };
  const expressHandle = internals.handle.bind(app);
  const bridge = expressBridgeOf(app);

  internals.handle = function handle(req: IncomingMessage, res: ServerResponse, next?: NextFunction): void {
    const url = req.url ?? '';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    let route = exact.get(`${req.method ?? ''} ${path.toLowerCase()}`);
    if (route === undefined) {
      const slash = path.lastIndexOf('/');
      // A `/:name` route takes one non-empty last segment.
      if (slash < path.length - 1)
        route = withParameter.get(`${req.method ?? ''} ${path.slice(0, slash + 1).toLowerCase()}`);
    }
    if (route === undefined || next !== undefined) {
      expressHandle(req, res, next);
      return;
    }
    holdPreamble(res);
    run(route, req, res, appWide.notFound, bridge);
  };
}

/**
 * Express's dispatch for one route: each handler in turn on `next()`, the error handlers on
 * `next(error)`, the app's 404 when every handler passes; those two get Express objects.
 */
function run(
  route: CompiledRoute,
  req: IncomingMessage,
  res: ServerResponse,
  notFound: RequestHandler,
  bridge: ExpressBridge,
): void {
  let handlerAt = 0;
  let errorHandlerAt = 0;
  const next: NextFunction = (error?: unknown): void => {
    if (error !== undefined && error !== null) {
      const errorHandler = route.errorHandlers[errorHandlerAt++];
      if (errorHandler === undefined) return;
      const express = bridge.expressObjects(req, res);
      settle(() => errorHandler(error, express.req, express.res, next), next);
      return;
    }
    const handler = route.handlers[handlerAt++];
    if (handler !== undefined) {
      settle(() => handler(req, res, next), next);
      return;
    }
    const express = bridge.expressObjects(req, res);
    settle(() => notFound(express.req, express.res, next), next);
  };
  next();
}

/** As Express 5 does: a handler's throw, or its rejected promise, goes to `next` as the error. */
function settle(call: () => unknown, next: NextFunction): void {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    next(error ?? new Error('handler threw a nullish value'));
    return;
  }
  if (result instanceof Promise)
    result.then(undefined, (error: unknown) => next(error ?? new Error('Rejected promise')));
}

/** A protocol's Express router, and the fast-lane routes that run the same handlers. */
export interface ProtocolRoutes {
  readonly router: Router;
  readonly fastRoutes: readonly FastRoute[];
}
