import { err, ok, type Result } from '../../model/result';

/** Protocol names as Exchange Online spells them; requests are matched case-insensitively (docs/protocols.md §5). */
export const JSON_PROTOCOLS = ['AutodiscoverV1', 'ActiveSync', 'Ews'] as const;
export type JsonProtocol = (typeof JSON_PROTOCOLS)[number];

/** The `Protocol` a client asked for. */
export interface RequestedProtocol {
  readonly name: JsonProtocol;
  /** As sent: error messages echo it, as Exchange Online does. */
  readonly asSent: string;
}

export interface AutodiscoverJsonRequest {
  readonly protocol: RequestedProtocol;
  /** As sent (path segment or `Email`), unvalidated: the shared address parser reads it. */
  readonly emailAddress: string;
}

export interface UnknownJsonProtocol {
  readonly kind: 'unknown-protocol';
  /** As sent; empty when the parameter is missing. */
  readonly asSent: string;
}

/**
 * Reads an Autodiscover v2 request: the address from the path (Outlook desktop) or from `Email`,
 * and `Protocol`, which is checked before the address, as Exchange Online does.
 */
export function parseAutodiscoverJsonRequest(
  emailAddress: string | undefined,
  protocol: string | undefined,
): Result<AutodiscoverJsonRequest, UnknownJsonProtocol> {
  const asSent = protocol ?? '';
  const wanted = asSent.trim().toLowerCase();
  const name = JSON_PROTOCOLS.find((candidate) => candidate.toLowerCase() === wanted);
  if (name === undefined) return err({ kind: 'unknown-protocol', asSent });
  return ok({ protocol: { name, asSent }, emailAddress: emailAddress ?? '' });
}
