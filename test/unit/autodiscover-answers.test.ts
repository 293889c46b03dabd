import {
  answerAutodiscover,
  type AutodiscoverClient,
  type AutodiscoverOutcome,
} from '../../src/protocols/autodiscover/answers';
import { AUTODISCOVER_CONTENT_TYPE } from '../../src/protocols/autodiscover/paths';
import { renderMobileSyncResponse, renderOutlookResponse } from '../../src/protocols/autodiscover/render';
import { renderAutodiscoverError, type AutodiscoverErrorCode } from '../../src/protocols/autodiscover/render-error';
import type { ResponseSchema } from '../../src/protocols/autodiscover/parse-request';
import { FIXED_NOW } from '../support/app';
import { businessSettingsFor, settingsFor } from '../support/settings';

const CONTEXT = { now: FIXED_NOW, serverId: 42 };
const OUTLOOK: AutodiscoverClient = { schema: 'outlook', clientFollowsRedirectUrl: true };
const MOBILESYNC: AutodiscoverClient = { schema: 'mobilesync', clientFollowsRedirectUrl: true };
const pop = settingsFor('pop.user@example.com', 'pop');
const business = businessSettingsFor('business.user@example.com');

function errorAnswer(code: AutodiscoverErrorCode, schema: ResponseSchema | null, status = 200) {
  return { status, contentType: AUTODISCOVER_CONTENT_TYPE, body: renderAutodiscoverError(code, schema, CONTEXT) };
}

const answer = (outcome: AutodiscoverOutcome) => answerAutodiscover(outcome, CONTEXT);

/** Every outcome kind at least once: the Record makes the compiler list them all. */
const CASES: Readonly<
  Record<AutodiscoverOutcome['kind'], ReadonlyArray<readonly [string, AutodiscoverOutcome, object]>>
> = {
  'invalid-request': [
    [
      'unreadable body › 600',
      { kind: 'invalid-request', invalid: { kind: 'invalid-request', reason: 'the body is empty' } },
      errorAnswer(600, null),
    ],
    [
      'unsupported schema › 601',
      { kind: 'invalid-request', invalid: { kind: 'unsupported-schema', schema: 'urn:x' } },
      errorAnswer(601, null),
    ],
    [
      'LegacyDN only › 500 in the schema asked for',
      { kind: 'invalid-request', invalid: { kind: 'legacy-dn-only', schema: 'mobilesync' } },
      errorAnswer(500, 'mobilesync'),
    ],
    ['not a POST › 600', { kind: 'invalid-request', invalid: { kind: 'not-a-post' } }, errorAnswer(600, null)],
    [
      'body refused with 413 › 600 with HTTP 413',
      { kind: 'invalid-request', invalid: { kind: 'body-refused', refusedStatus: 413 } },
      errorAnswer(600, null, 413),
    ],
  ],
  'rate-limited': [
    [
      'over the limit › 603 with HTTP 429 and Retry-After',
      { kind: 'rate-limited', retryAfterSeconds: 9 },
      { ...errorAnswer(603, null, 429), retryAfterSeconds: 9 },
    ],
  ],
  'invalid-address': [
    [
      'invalid address › 600 in the schema asked for',
      { kind: 'invalid-address', request: MOBILESYNC, addressError: 'missing-at' },
      errorAnswer(600, 'mobilesync'),
    ],
  ],
  'not-hosted': [
    ['not hosted › 500', { kind: 'not-hosted', request: OUTLOOK, domain: 'example.net' }, errorAnswer(500, 'outlook')],
  ],
  unavailable: [
    [
      'directory away › 603, HTTP 200, no Retry-After',
      { kind: 'unavailable', request: MOBILESYNC, domain: 'example.com', retryAfterSeconds: 30 },
      errorAnswer(603, 'mobilesync'),
    ],
  ],
  settings: [
    [
      'outlook schema › the POX answer',
      { kind: 'settings', request: OUTLOOK, settings: pop },
      {
        status: 200,
        contentType: AUTODISCOVER_CONTENT_TYPE,
        body: renderOutlookResponse(pop, { clientFollowsRedirectUrl: true }),
      },
    ],
    [
      'outlook schema, a client that does not follow RedirectUrl › rendered for it',
      { kind: 'settings', request: { schema: 'outlook', clientFollowsRedirectUrl: false }, settings: business },
      {
        status: 200,
        contentType: AUTODISCOVER_CONTENT_TYPE,
        body: renderOutlookResponse(business, { clientFollowsRedirectUrl: false }),
      },
    ],
    [
      'mobilesync schema, Business Mail › the ActiveSync answer',
      { kind: 'settings', request: MOBILESYNC, settings: business },
      { status: 200, contentType: AUTODISCOVER_CONTENT_TYPE, body: renderMobileSyncResponse(business) },
    ],
    [
      'mobilesync schema, POP access › 501 (no ActiveSync)',
      { kind: 'settings', request: MOBILESYNC, settings: pop },
      errorAnswer(501, 'mobilesync'),
    ],
  ],
};

/** Every POX answer tells the EWS libraries that SOAP Autodiscover is here too (docs/protocols.md §11.1). */
const SOAP_ENDPOINT_HEADERS = ['X-SOAP-Enabled', 'True', 'X-WSSecurity-Enabled', 'True'];

describe('Autodiscover POX answer table › every outcome', () => {
  test.each(Object.values(CASES).flat())('%s', (_label, outcome, expected) => {
    expect(answer(outcome)).toEqual({ ...expected, protocolHeaders: SOAP_ENDPOINT_HEADERS });
  });
});
