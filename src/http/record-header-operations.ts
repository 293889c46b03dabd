import http from 'node:http';
import net from 'node:net';
import type { RequestHandler } from 'express';

/** One header a middleware set or removed, in its order and casing. */
export type HeaderOperation = { readonly set: string; readonly value: number | string } | { readonly remove: string };

/**
 * The headers a helmet middleware writes, found by running it once on a throwaway request and
 * response: for the service's security headers (security-headers.ts) and the setup page's CSP
 * (src/pages/setup/content-security-policy.ts). A module of its own, so either can be replaced in a
 * test without the other.
 */
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

/** Whether `operation` sets the header `name` (header names are case-insensitive). */
export function setsHeader(
  operation: HeaderOperation,
  name: string,
): operation is Extract<HeaderOperation, { readonly set: string }> {
  return 'set' in operation && operation.set.toLowerCase() === name.toLowerCase();
}
