import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net from 'node:net';
import helmet from 'helmet';
import type { RequestHandler } from 'express';
import type { NodeHandler } from './fast-lane';
import { addToPreamble, removeFromPreamble } from './preamble';

/**
 * helmet for an API that serves XML, plist and JSON to mail clients: no scripts, frames or
 * embedding are ever needed, so the content security policy allows nothing.
 */
export function createHelmet(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-site' },
    frameguard: { action: 'deny' },
    // HSTS only makes sense where TLS terminates; a proxy in front sets it.
    strictTransportSecurity: false,
  });
}

export type HeaderOperation = { readonly set: string; readonly value: number | string } | { readonly remove: string };

/**
 * The headers createHelmet writes, set by one middleware. With these options helmet's eleven
 * middlewares write the same headers on every request (nothing depends on the request), so helmet
 * runs once here, at start-up, on a throwaway request/response, and each request replays exactly
 * what it did, in its order and casing, as part of the answer preamble (preamble.ts). If helmet ever
 * stops answering at once, start-up fails.
 */
export function createSecurityHeaders(): NodeHandler {
  const operations = recordHeaderOperations(createHelmet());
  const headers = operations.flatMap((operation) => ('set' in operation ? [operation.set, operation.value] : []));
  const removals = operations.flatMap((operation) => ('remove' in operation ? [operation.remove] : []));
  // Removals go first: the same result as helmet's order as long as none removes a header it set before.
  operations.forEach((operation, at) => {
    if ('remove' in operation && operations.slice(0, at).some((earlier) => sameHeader(earlier, operation.remove)))
      throw new Error(`helmet removes ${operation.remove} after setting it; replaying that is not supported`);
  });
  return function securityHeaders(_req: IncomingMessage, res: ServerResponse, next: () => void) {
    for (const name of removals) removeFromPreamble(res, name);
    addToPreamble(res, headers);
    next();
  };
}

function sameHeader(operation: HeaderOperation, name: string): boolean {
  return 'set' in operation && operation.set.toLowerCase() === name.toLowerCase();
}

/** The headers a helmet middleware sets, found by running it once on a throwaway request (also: the setup page's CSP). */
export function recordHeaderOperations(middleware: RequestHandler): readonly HeaderOperation[] {
  const req = new http.IncomingMessage(new net.Socket());
  const res = new http.ServerResponse(req);
  const operations: HeaderOperation[] = [];
  res.setHeader = (name, value) => {
    // A list value would be several lines of one header; helmet sets none.
    if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`helmet set ${name} to a list`);
    operations.push({ set: name, value });
    return res;
  };
  res.removeHeader = (name) => void operations.push({ remove: name });
  const next = { passed: false };
  // Express's Request/Response types; helmet only uses the Node methods recorded above.
  middleware(req as Parameters<RequestHandler>[0], res as Parameters<RequestHandler>[1], (error?: unknown) => {
    next.passed = error === undefined;
  });
  if (!next.passed) throw new Error('helmet did not pass its throwaway request on at once at start-up');
  return operations;
}
