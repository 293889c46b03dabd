import type { Answer } from '../../http/answer';
import { ADDRESS_ERROR_MESSAGES } from '../../model/email-address';
import type { ProtocolOutcome } from '../protocol-outcome';
import type { MailSettings } from '../../model/mail-settings';
import { memoizeRendering } from '../memoize-rendering';
import { JSON_PROTOCOLS, type JsonProtocol, type RequestedProtocol, type UnknownJsonProtocol } from './parse-request';
import { AUTODISCOVER_JSON_CONTENT_TYPE } from './paths';
import { protocolOfferFor, type ProtocolOffer } from './protocol-offer';

export type AutodiscoverJsonOutcome = ProtocolOutcome<RequestedProtocol, UnknownJsonProtocol>;

/** Every Autodiscover v2 outcome's answer (docs/protocols.md §5); `autodiscoverUrl` is this service's POX URL. */
export function answerAutodiscoverJson(outcome: AutodiscoverJsonOutcome, autodiscoverUrl: string): Answer {
  switch (outcome.kind) {
    case 'invalid-request':
      return invalidProtocol(outcome.invalid.asSent, JSON_PROTOCOLS);
    case 'rate-limited':
      return {
        ...jsonError(429, 'TooManyRequests', 'Too many requests; try again later.'),
        retryAfterSeconds: outcome.retryAfterSeconds,
      };
    case 'invalid-address':
      return jsonError(
        400,
        'InvalidUser',
        `The given e-mail address is invalid: ${ADDRESS_ERROR_MESSAGES[outcome.addressError]}.`,
      );
    case 'not-hosted':
      return jsonError(404, 'UserNotFound', 'No mail service is configured for this e-mail address.');
    case 'unavailable':
      return {
        ...jsonError(503, 'TemporarilyUnavailable', 'The account directory cannot be reached; try again later.'),
        retryAfterSeconds: outcome.retryAfterSeconds,
      };
    case 'settings': {
      const offer = offerOnce(outcome.settings, outcome.request.name, autodiscoverUrl);
      if (offer.offered) return offer.answer;
      // Not offered to this mailbox: the same 400, listing what it is offered, as Exchange Online does.
      return invalidProtocol(outcome.request.asSent, offer.offeredProtocols);
    }
  }
}

/**
 * protocolOfferFor with its 200 answer, remembered per settings object: the protocol names are a
 * fixed set, so the memo stays small. The 400 quotes the name as sent and is not remembered.
 */
const offerOnce = memoizeRendering(
  (
    settings: MailSettings,
    protocol: JsonProtocol,
    autodiscoverUrl: string,
  ): { readonly offered: true; readonly answer: Answer } | Extract<ProtocolOffer, { offered: false }> => {
    const offer = protocolOfferFor(settings, protocol, autodiscoverUrl);
    if (!offer.offered) return offer;
    return { offered: true, answer: jsonAnswer(200, { Protocol: offer.protocol, Url: offer.url }) };
  },
);

function invalidProtocol(asSent: string, supported: readonly string[]): Answer {
  return jsonError(
    400,
    'InvalidProtocol',
    `The given protocol value '${asSent}' is invalid. Supported values are '${supported.join(',')}'`,
  );
}

function jsonError(status: number, errorCode: string, errorMessage: string): Answer {
  return jsonAnswer(status, { ErrorCode: errorCode, ErrorMessage: errorMessage });
}

function jsonAnswer(status: number, body: Readonly<Record<string, string>>): Answer {
  return { status, contentType: AUTODISCOVER_JSON_CONTENT_TYPE, body: JSON.stringify(body) };
}
