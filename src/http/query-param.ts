import type { IncomingMessage } from 'node:http';
import parseUrl from 'parseurl';
import { err, ok, type Result } from '../model/result';

/** Text whose percent-escapes do not decode to UTF-8: refused, never read as U+FFFD. */
export interface UndecodableText {
  readonly kind: 'invalid-utf8';
  /** The text as sent, still escaped. */
  readonly asSent: string;
}

export type DecodedText = Result<string, UndecodableText>;

/**
 * The one strict percent-decoding of request text (query parameters and path addresses):
 * decodeURIComponent throws on escapes that are not UTF-8 (overlong forms, surrogates, bytes above
 * U+10FFFF), where node:querystring would silently substitute U+FFFD.
 */
export function decodeStrictly(asSent: string, plusIsSpace: boolean): DecodedText {
  const text = plusIsSpace ? asSent.replaceAll('+', ' ') : asSent;
  if (!text.includes('%')) return ok(text);
  try {
    return ok(decodeURIComponent(text));
  } catch {
    return err({ kind: 'invalid-utf8', asSent });
  }
}

/**
 * A query parameter by case-insensitive name (clients write Email, email, emailaddress…), read from
 * the raw request target rather than Express's leniently decoded req.query. A parameter given twice
 * in any letter case is ambiguous and reads as absent-but-present: the empty string. A name that
 * cannot be decoded could be any parameter, so it makes every lookup undecodable.
 */
export function queryParam(req: IncomingMessage, name: string, valuePlusIsSpace = true): DecodedText | undefined {
  const target = req.url ?? '';
  const queryAt = target.indexOf('?');
  if (queryAt === -1) return undefined;
  const fragmentAt = target.indexOf('#', queryAt);
  const query = target.slice(queryAt + 1, fragmentAt === -1 ? undefined : fragmentAt);
  const wanted = name.toLowerCase();
  let found: DecodedText | undefined;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equalsAt = pair.indexOf('=');
    const key = decodeStrictly(equalsAt === -1 ? pair : pair.slice(0, equalsAt), true);
    if (!key.ok) return key;
    if (key.value.toLowerCase() !== wanted) continue;
    found =
      found === undefined ? decodeStrictly(equalsAt === -1 ? '' : pair.slice(equalsAt + 1), valuePlusIsSpace) : ok('');
  }
  return found;
}

/**
 * An e-mail address in the query: queryParam, except that a `+` in the value is a `+`, not a space.
 * FairEmail appends the address unencoded, so `john+tag@example.com` arrives with a raw `+`; a space
 * can never be part of an address we accept, so reading it as one could only turn a valid address
 * into an invalid one (docs/protocols.md §1). `%20` still decodes to a space, which the parser refuses.
 */
export function queryAddress(req: IncomingMessage, name: string): DecodedText | undefined {
  return queryParam(req, name, false);
}

/** The path's last segment (a trailing slash ignored), strictly decoded; "+" is itself in a path. */
export function lastPathSegment(req: IncomingMessage): DecodedText {
  // Express's req.path is the same parseurl(req).pathname.
  const pathname = parseUrl(req)?.pathname ?? '';
  const path = pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  return decodeStrictly(path.slice(path.lastIndexOf('/') + 1), false);
}
