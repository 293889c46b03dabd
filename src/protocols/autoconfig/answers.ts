import { plainTextAnswer, type Answer } from '../../http/answer';
import type { ProtocolOutcome } from '../protocol-outcome';
import { PLAIN_TEXT_ANSWERS } from '../plain-text-answers';
import { AUTOCONFIG_CONTENT_TYPE } from './paths';
import { memoizeRendering } from '../memoize-rendering';
import { renderAutoconfig, type AutoconfigEmailProvider } from './render';

const renderAutoconfigOnce = memoizeRendering(renderAutoconfig);

/** No emailaddress, and the Host the client asked is not a domain: nothing to look up. */
export interface AutoconfigInvalidRequest {
  readonly kind: 'no-domain';
}

/** The answer depends on nothing in the request but the address or domain, so `Request` is null. */
export type AutoconfigOutcome = ProtocolOutcome<null, AutoconfigInvalidRequest>;

/**
 * Every autoconfig outcome's answer. The format has no error body: every non-2xx status sends
 * Thunderbird to its next source, so failures are short plain text.
 */
export function answerAutoconfig(outcome: AutoconfigOutcome, provider: AutoconfigEmailProvider): Answer {
  switch (outcome.kind) {
    case 'invalid-request':
      return plainTextAnswer(404, 'No mail configuration for this host.');
    case 'rate-limited':
      return PLAIN_TEXT_ANSWERS.rateLimited(outcome.retryAfterSeconds);
    case 'invalid-address':
      return PLAIN_TEXT_ANSWERS.invalidAddress(outcome.addressError);
    case 'not-hosted':
      return plainTextAnswer(404, 'No mail configuration for this domain.');
    case 'unavailable':
      return PLAIN_TEXT_ANSWERS.unavailable(outcome.retryAfterSeconds);
    case 'settings':
      return {
        status: 200,
        contentType: AUTOCONFIG_CONTENT_TYPE,
        body: renderAutoconfigOnce(outcome.settings, provider),
      };
  }
}
