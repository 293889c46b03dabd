import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { RequestHandler } from 'express';
import type { NodeHandler } from './fast-lane';
import { addToPreamble, removeFromPreamble } from './preamble';
import { recordHeaderOperations, setsHeader } from './record-header-operations';

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
    if ('remove' in operation && operations.slice(0, at).some((earlier) => setsHeader(earlier, operation.remove)))
      throw new Error(`helmet removes ${operation.remove} after setting it; replaying that is not supported`);
  });
  return function securityHeaders(_req: IncomingMessage, res: ServerResponse, next: () => void) {
    for (const name of removals) removeFromPreamble(res, name);
    addToPreamble(res, headers);
    next();
  };
}
