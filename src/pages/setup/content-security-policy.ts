import { contentSecurityPolicy } from 'helmet';
import { recordHeaderOperations, setsHeader } from '../../http/record-header-operations';

/**
 * The setup page's CSP, written by helmet: the service's "nothing at all" policy
 * (security-headers.ts), plus exactly what the page uses: its style sheet from this origin and its
 * form sent back here. No script, no inline style, no images (the QR code is inline SVG markup),
 * no base URL, no framing.
 */
export function setupPageContentSecurityPolicy(): string {
  const operations = recordHeaderOperations(
    contentSecurityPolicy({
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  for (const operation of operations) {
    if (setsHeader(operation, 'Content-Security-Policy')) return String(operation.value);
  }
  throw new Error('helmet wrote no Content-Security-Policy for the setup page');
}
