import type { Request } from 'express';

/**
 * A query parameter by case-insensitive name (clients write Email, email, emailaddress…). A repeated
 * parameter is ambiguous and reads as absent-but-present: the empty string.
 */
export function queryParam(req: Request, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(req.query)) {
    if (key.toLowerCase() !== wanted) continue;
    return typeof value === 'string' ? value : '';
  }
  return undefined;
}
