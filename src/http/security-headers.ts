import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * helmet for an API that serves XML, plist and JSON to mail clients: no scripts, frames or
 * embedding are ever needed, so the content security policy allows nothing.
 */
export function createSecurityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-site' },
    frameguard: { action: 'deny' },
    // HSTS only makes sense where TLS terminates; a proxy in front sets it.
    strictTransportSecurity: false,
  });
}
