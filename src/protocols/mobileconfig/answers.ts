import { plainTextAnswer, type Answer } from '../../http/answer';
import type { AddressedMailSettings } from '../../model/mail-settings';
import type { ProtocolOutcome } from '../protocol-outcome';
import { PLAIN_TEXT_ANSWERS } from '../plain-text-answers';
import { MOBILECONFIG_CONTENT_TYPE } from './paths';
import { memoizeRendering } from '../memoize-rendering';
import { renderAppleProfile, type AppleProfileIssuer } from './render';

/** The profile's bytes: a Buffer, so the content type goes out as it is. */
const appleProfileBytes = memoizeRendering(
  (settings: Parameters<typeof renderAppleProfile>[0], issuer: AppleProfileIssuer): Buffer =>
    Buffer.from(renderAppleProfile(settings, issuer), 'utf8'),
);

/** A profile is always for an address: a missing one is an invalid address, not an invalid request. */
export type MobileconfigOutcome = ProtocolOutcome<null, never, AddressedMailSettings>;

/** Every profile download's answer: a person downloads a file, so failures are short plain text. */
export function answerMobileconfig(outcome: MobileconfigOutcome, issuer: AppleProfileIssuer): Answer {
  switch (outcome.kind) {
    case 'rate-limited':
      return PLAIN_TEXT_ANSWERS.rateLimited(outcome.retryAfterSeconds);
    case 'invalid-address':
      return PLAIN_TEXT_ANSWERS.invalidAddress(outcome.addressError);
    case 'not-hosted':
      return plainTextAnswer(404, 'No mail service is configured for this e-mail address.');
    case 'unavailable':
      return PLAIN_TEXT_ANSWERS.unavailable(outcome.retryAfterSeconds);
    case 'settings': {
      const { settings } = outcome;
      return {
        status: 200,
        contentType: MOBILECONFIG_CONTENT_TYPE,
        // A Buffer keeps Express from appending "; charset=utf-8" to Apple's MIME type.
        body: appleProfileBytes(settings, issuer),
        attachmentFilename: `${settings.user.address.domain}.mobileconfig`,
      };
    }
  }
}
