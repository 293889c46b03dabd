import http from 'node:http';
import net from 'node:net';
import helmet from 'helmet';
import type { RequestHandler } from 'express';

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

type HeaderOperation =
  { readonly set: string; readonly value: number | string | readonly string[] } | { readonly remove: string };

/**
 * The headers createHelmet writes, set by one middleware. With these options helmet's eleven
 * middlewares write the same headers on every request (nothing depends on the request), so helmet
 * runs once here, at start-up, on a throwaway request/response, and each request replays exactly
 * what it did, in its order and casing. If helmet ever stops answering at once, start-up fails.
 */
export function createSecurityHeaders(): RequestHandler {
  const operations = recordHeaderOperations(createHelmet());
  return function securityHeaders(_req, res, next) {
    for (const operation of operations) {
      if ('set' in operation) res.setHeader(operation.set, operation.value);
      else res.removeHeader(operation.remove);
    }
    next();
  };
}

function recordHeaderOperations(middleware: RequestHandler): readonly HeaderOperation[] {
  const req = new http.IncomingMessage(new net.Socket());
  const res = new http.ServerResponse(req);
  const operations: HeaderOperation[] = [];
  res.setHeader = (name, value) => {
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
