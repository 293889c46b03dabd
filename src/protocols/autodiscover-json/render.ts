import type { MailSettings } from '../../model/mail-settings';

/** Protocol names as Exchange Online spells them; requests are matched case-insensitively. */
export const JSON_PROTOCOLS = ['AutodiscoverV1', 'ActiveSync', 'Ews'] as const;
export type JsonProtocol = (typeof JSON_PROTOCOLS)[number];

export type JsonAnswer =
  | { readonly status: 200; readonly body: { readonly Protocol: JsonProtocol; readonly Url: string } }
  | {
      readonly status: 400 | 404 | 429 | 503;
      readonly body: { readonly ErrorCode: string; readonly ErrorMessage: string };
    };

export function parseJsonProtocol(value: string): JsonProtocol | null {
  return JSON_PROTOCOLS.find((name) => name.toLowerCase() === value.trim().toLowerCase()) ?? null;
}

/**
 * Every hosted address gets AutodiscoverV1 (the POX endpoint decides the rest); ActiveSync and EWS
 * exist only for Business Mail. The 400 lists what this address is offered, as Exchange Online does.
 */
export function answerJsonProtocol(settings: MailSettings, requested: string, autodiscoverUrl: string): JsonAnswer {
  const offered: Partial<Record<JsonProtocol, string>> =
    settings.accessType === 'business'
      ? { AutodiscoverV1: autodiscoverUrl, ActiveSync: settings.exchange.activeSyncUrl, Ews: settings.exchange.ewsUrl }
      : { AutodiscoverV1: autodiscoverUrl };
  const protocol = parseJsonProtocol(requested);
  const url = protocol === null ? undefined : offered[protocol];
  if (protocol !== null && url !== undefined) return { status: 200, body: { Protocol: protocol, Url: url } };
  return invalidProtocol(requested, Object.keys(offered));
}

export function invalidProtocol(requested: string, offered: readonly string[]): JsonAnswer {
  return {
    status: 400,
    body: {
      ErrorCode: 'InvalidProtocol',
      ErrorMessage: `The given protocol value '${requested}' is invalid. Supported values are '${offered.join(',')}'`,
    },
  };
}

export const JSON_ERRORS = {
  invalidAddress: (reason: string): JsonAnswer => ({
    status: 400,
    body: { ErrorCode: 'InvalidUser', ErrorMessage: `The given e-mail address is invalid: ${reason}.` },
  }),
  notHosted: (): JsonAnswer => ({
    status: 404,
    body: { ErrorCode: 'UserNotFound', ErrorMessage: 'No mail service is configured for this e-mail address.' },
  }),
  tooManyRequests: (): JsonAnswer => ({
    status: 429,
    body: { ErrorCode: 'TooManyRequests', ErrorMessage: 'Too many requests; try again later.' },
  }),
  unavailable: (): JsonAnswer => ({
    status: 503,
    body: {
      ErrorCode: 'TemporarilyUnavailable',
      ErrorMessage: 'The account directory cannot be reached; try again later.',
    },
  }),
};
