/**
 * The 4xx status a body parser (or Express) attached to an error (too large, malformed, aborted),
 * or null for anything else, which is a server-side failure.
 */
export function clientErrorStatusOf(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}
