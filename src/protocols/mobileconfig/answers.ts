import { plainTextAnswer, type Answer } from '../../http/answer';
import type { AddressedMailSettings } from '../../model/mail-settings';
import type { ProtocolOutcome } from '../protocol-outcome';
import { PLAIN_TEXT_ANSWERS } from '../plain-text-answers';
import { MOBILECONFIG_CONTENT_TYPE } from './paths';
import { memoizeRendering } from '../memoize-rendering';
import type { ApplePlatform, InvalidPlatform } from './platform';
import type { ProfileSigner } from './profile-signer';
import { renderAppleProfile, type AppleProfileIssuer } from './render';

/** The profile's bytes: a Buffer, so the content type goes out as it is. */
const appleProfileBytes = memoizeRendering(
  (settings: AddressedMailSettings, issuer: AppleProfileIssuer, platform: ApplePlatform): Buffer =>
    Buffer.from(renderAppleProfile(settings, issuer, platform), 'utf8'),
);

/**
 * A profile is always for an address (a missing one is an invalid address); the request is the
 * platform it is for, and only an unknown `platform` is refused before the address is read.
 */
export type MobileconfigOutcome = ProtocolOutcome<ApplePlatform, InvalidPlatform, AddressedMailSettings>;

/** Longest part of a refused `platform` value quoted back. */
const QUOTED_PLATFORM_CHARACTERS = 40;

/**
 * Every profile download's answer: a person downloads a file, so failures are short plain text.
 * With a signer, the profile goes out signed (docs/protocols.md §7.6), with the same content type.
 */
export function answerMobileconfig(
  outcome: MobileconfigOutcome,
  issuer: AppleProfileIssuer,
  signer: ProfileSigner | null = null,
): Answer {
  switch (outcome.kind) {
    case 'invalid-request':
      return plainTextAnswer(
        400,
        `platform: must be "ios" (iPhone, iPad) or "macos" (Mac), got ${JSON.stringify(outcome.invalid.asSent.slice(0, QUOTED_PLATFORM_CHARACTERS))}`,
      );
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
      const profile = appleProfileBytes(settings, issuer, outcome.request);
      return {
        status: 200,
        contentType: MOBILECONFIG_CONTENT_TYPE,
        // A Buffer keeps Express from appending "; charset=utf-8" to Apple's MIME type.
        body: signer === null ? profile : signer.sign(profile),
        attachmentFilename: `${settings.user.address.domain}.mobileconfig`,
      };
    }
  }
}
