import { plainTextAnswer, type Answer } from '../../http/answer';
import { memoizeRendering } from '../memoize-rendering';
import { PLAIN_TEXT_ANSWERS } from '../plain-text-answers';
import type { ProtocolOutcome } from '../protocol-outcome';
import type { PaccInvalidRequest } from './parse-request';
import { PACC_CONTENT_TYPE } from './paths';
import { PACC_REFUSAL_MESSAGES, renderPaccDocument, type PaccProvider } from './render';

const renderPaccDocumentOnce = memoizeRendering(renderPaccDocument);

/** PACC reads no address, only the host's domain: `Request` is null. */
export type PaccOutcome = ProtocolOutcome<null, PaccInvalidRequest>;

const NO_PACC_FOR_HOST = 'No PACC configuration for this host; PACC is asked on ua-auto-config.<domain>.';

/**
 * Every PACC outcome's answer (docs/protocols.md §10). The format has no error body: anything but
 * the document is a short plain-text status, and a client moves on to its next mechanism.
 */
export function answerPacc(outcome: PaccOutcome, provider: PaccProvider): Answer {
  switch (outcome.kind) {
    // invalid-address never happens (PACC reads no address): the same 404 as a host that is not ua-auto-config.*.
    case 'invalid-request':
    case 'invalid-address':
      return plainTextAnswer(404, NO_PACC_FOR_HOST);
    case 'rate-limited':
      return PLAIN_TEXT_ANSWERS.rateLimited(outcome.retryAfterSeconds);
    case 'not-hosted':
      return plainTextAnswer(404, 'No PACC configuration for this domain.');
    case 'unavailable':
      return PLAIN_TEXT_ANSWERS.unavailable(outcome.retryAfterSeconds);
    case 'settings': {
      const rendering = renderPaccDocumentOnce(outcome.settings, provider);
      if (rendering.kind === 'refused') return plainTextAnswer(404, PACC_REFUSAL_MESSAGES[rendering.reason]);
      return { status: 200, contentType: PACC_CONTENT_TYPE, body: rendering.body };
    }
  }
}
