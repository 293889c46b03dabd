import { answerAutodiscoverJson, type AutodiscoverJsonOutcome } from '../../src/protocols/autodiscover-json/answers';
import type { RequestedProtocol } from '../../src/protocols/autodiscover-json/parse-request';
import { AUTODISCOVER_JSON_CONTENT_TYPE } from '../../src/protocols/autodiscover-json/paths';
import { businessSettingsFor, settingsFor } from '../support/settings';

const POX_URL = 'https://autodiscover.example.com/autodiscover/autodiscover.xml';
const ACTIVESYNC: RequestedProtocol = { name: 'ActiveSync', asSent: 'activesync' };
const pop = settingsFor('pop.user@example.com', 'pop');
const business = businessSettingsFor('business.user@example.com');

function json(status: number, body: object, retryAfterSeconds?: number) {
  return {
    status,
    contentType: AUTODISCOVER_JSON_CONTENT_TYPE,
    body: JSON.stringify(body),
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  };
}

/** Every outcome kind at least once: the Record makes the compiler list them all. */
const CASES: Readonly<
  Record<AutodiscoverJsonOutcome['kind'], ReadonlyArray<readonly [string, AutodiscoverJsonOutcome, object]>>
> = {
  'invalid-request': [
    [
      'unknown protocol › 400 InvalidProtocol, echoing it and listing all three',
      { kind: 'invalid-request', invalid: { kind: 'unknown-protocol', asSent: ' Rest ' } },
      json(400, {
        ErrorCode: 'InvalidProtocol',
        ErrorMessage:
          "The given protocol value ' Rest ' is invalid. Supported values are 'AutodiscoverV1,ActiveSync,Ews'",
      }),
    ],
  ],
  'rate-limited': [
    [
      'over the limit › 429 TooManyRequests with Retry-After',
      { kind: 'rate-limited', retryAfterSeconds: 12 },
      json(429, { ErrorCode: 'TooManyRequests', ErrorMessage: 'Too many requests; try again later.' }, 12),
    ],
  ],
  'invalid-address': [
    [
      'invalid address › 400 InvalidUser with the reason',
      { kind: 'invalid-address', request: ACTIVESYNC, addressError: 'missing-at' },
      json(400, {
        ErrorCode: 'InvalidUser',
        ErrorMessage: 'The given e-mail address is invalid: the e-mail address has no "@".',
      }),
    ],
  ],
  'not-hosted': [
    [
      'not hosted › 404 UserNotFound',
      { kind: 'not-hosted', request: ACTIVESYNC, domain: 'example.net' },
      json(404, { ErrorCode: 'UserNotFound', ErrorMessage: 'No mail service is configured for this e-mail address.' }),
    ],
  ],
  unavailable: [
    [
      'directory away › 503 with the outcome’s Retry-After',
      { kind: 'unavailable', request: ACTIVESYNC, domain: 'example.com', retryAfterSeconds: 30 },
      json(
        503,
        {
          ErrorCode: 'TemporarilyUnavailable',
          ErrorMessage: 'The account directory cannot be reached; try again later.',
        },
        30,
      ),
    ],
  ],
  settings: [
    [
      'offered › 200 with the canonical name and its URL',
      { kind: 'settings', request: ACTIVESYNC, settings: business },
      json(200, {
        Protocol: 'ActiveSync',
        Url: business.exchange.activeSyncUrl,
      }),
    ],
    [
      'AutodiscoverV1 › 200 with this service’s POX URL',
      { kind: 'settings', request: { name: 'AutodiscoverV1', asSent: 'autodiscoverv1' }, settings: pop },
      json(200, { Protocol: 'AutodiscoverV1', Url: POX_URL }),
    ],
    [
      'not offered to this mailbox › 400 InvalidProtocol listing what it is offered',
      { kind: 'settings', request: ACTIVESYNC, settings: pop },
      json(400, {
        ErrorCode: 'InvalidProtocol',
        ErrorMessage: "The given protocol value 'activesync' is invalid. Supported values are 'AutodiscoverV1'",
      }),
    ],
  ],
};

describe('Autodiscover v2 JSON answer table › every outcome', () => {
  test.each(Object.values(CASES).flat())('%s', (_label, outcome, expected) => {
    expect(answerAutodiscoverJson(outcome, POX_URL)).toEqual(expected);
  });
});
