import { answerMobileconfig, type MobileconfigOutcome } from '../../src/protocols/mobileconfig/answers';
import { MOBILECONFIG_CONTENT_TYPE } from '../../src/protocols/mobileconfig/paths';
import { renderAppleProfile } from '../../src/protocols/mobileconfig/render';
import { expectedPlainText } from '../support/answers';
import { EXAMPLE_CONFIG, settingsFor } from '../support/settings';

const settings = settingsFor('user@bücher.example', 'business');

/** One outcome of every kind (the only invalid request is an unknown platform; a missing address is an invalid one). */
const OUTCOMES: Readonly<Record<MobileconfigOutcome['kind'], MobileconfigOutcome>> = {
  'invalid-request': {
    kind: 'invalid-request',
    invalid: { kind: 'unknown-platform', asSent: `android"${'x'.repeat(60)}` },
  },
  'rate-limited': { kind: 'rate-limited', retryAfterSeconds: 5 },
  'invalid-address': { kind: 'invalid-address', request: 'ios', addressError: 'empty' },
  'not-hosted': { kind: 'not-hosted', request: 'ios', domain: 'example.net' },
  unavailable: { kind: 'unavailable', request: 'ios', domain: 'example.com', retryAfterSeconds: 30 },
  settings: { kind: 'settings', request: 'ios', settings },
};

const answer = (kind: MobileconfigOutcome['kind']) => answerMobileconfig(OUTCOMES[kind], EXAMPLE_CONFIG.provider);

describe('mobileconfig answer table › every outcome', () => {
  test.each([
    [
      'invalid-request',
      400,
      `platform: must be "ios" (iPhone, iPad) or "macos" (Mac), got ${JSON.stringify(`android"${'x'.repeat(32)}`)}\n`,
      undefined,
    ],
    ['rate-limited', 429, 'Too many requests; try again later.\n', 5],
    ['invalid-address', 400, 'emailaddress: the e-mail address is empty\n', undefined],
    ['not-hosted', 404, 'No mail service is configured for this e-mail address.\n', undefined],
    ['unavailable', 503, 'The account directory cannot be reached; try again later.\n', 30],
  ] as const)('%s › %i, plain text, Retry-After %s', (kind, status, body, retryAfterSeconds) => {
    expect(answer(kind)).toEqual(expectedPlainText(status, body, retryAfterSeconds));
  });

  test('settings › 200, the profile as bytes, downloaded as <ASCII domain>.mobileconfig', () => {
    expect(answer('settings')).toEqual({
      status: 200,
      contentType: MOBILECONFIG_CONTENT_TYPE,
      body: Buffer.from(renderAppleProfile(settings, EXAMPLE_CONFIG.provider, 'ios'), 'utf8'),
      attachmentFilename: 'xn--bcher-kva.example.mobileconfig',
    });
  });

  test('settings for macOS › the Mac profile (com.apple.ews.account), same download', () => {
    expect(answerMobileconfig({ kind: 'settings', request: 'macos', settings }, EXAMPLE_CONFIG.provider)).toEqual({
      status: 200,
      contentType: MOBILECONFIG_CONTENT_TYPE,
      body: Buffer.from(renderAppleProfile(settings, EXAMPLE_CONFIG.provider, 'macos'), 'utf8'),
      attachmentFilename: 'xn--bcher-kva.example.mobileconfig',
    });
  });
});
