import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Express, NextFunction, Request, RequestHandler, Response, Router } from 'express';

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
  readonly handlers: readonly RequestHandler[];
  /** What Express runs when one of them fails, before the app's own error handlers. */
  readonly errorHandlers?: readonly ErrorRequestHandler[];
}

/** What every request gets first and last, as the app registers them. */
export interface AppWideHandlers {
  readonly before: readonly RequestHandler[];
  readonly errorHandlers: readonly ErrorRequestHandler[];
  /** When every handler passes the request on: the app's 404. */
  readonly notFound: RequestHandler;
}

interface CompiledRoute {
  readonly handlers: readonly RequestHandler[];
  readonly errorHandlers: readonly ErrorRequestHandler[];
}

/**
 * The fast lane: discovery requests on their exact paths go straight to their route's handlers,
 * past Express's router, which otherwise matches every request against each layer of every router
 * in turn (path-to-regexp per layer, a closure per `next`, a parameter decoding pass). Everything a
 * handler relies on is as Express would leave it: the request and response carry the app's Express
 * prototypes (req.query, req.ip, req.hostname, req.secure work as usual), req.res/res.req,
 * res.locals, req.params, req.originalUrl and req.baseUrl are set, a rejected promise goes to the
 * error handlers as Express 5 does.
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
  const requestPrototype = app.request as object;
  const responsePrototype = app.response as object;

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
    // What Express's app.handle and router do before the first middleware.
    if (Object.getPrototypeOf(req) !== requestPrototype) Object.setPrototypeOf(req, requestPrototype);
    if (Object.getPrototypeOf(res) !== responsePrototype) Object.setPrototypeOf(res, responsePrototype);
    const request = req as Request;
    const response = res as Response;
    request.res = response;
    response.req = request;
    response.locals = Object.create(null) as Response['locals'];
    request.originalUrl = url;
    request.baseUrl = '';
    request.params = {};
    run(route, request, response, appWide.notFound);
  };
}

/** Express's dispatch for one route: each handler in turn on `next()`, the error handlers on `next(error)`. */
function run(route: CompiledRoute, req: Request, res: Response, notFound: RequestHandler): void {
  let handlerAt = 0;
  let errorHandlerAt = 0;
  const next: NextFunction = (error?: unknown): void => {
    if (error !== undefined && error !== null) {
      const errorHandler = route.errorHandlers[errorHandlerAt++];
      if (errorHandler !== undefined) settle(() => errorHandler(error, req, res, next), next);
      return;
    }
    const handler = route.handlers[handlerAt++] ?? notFound;
    settle(() => handler(req, res, next), next);
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
