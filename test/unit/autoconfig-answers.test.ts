import { answerAutoconfig, type AutoconfigOutcome } from '../../src/protocols/autoconfig/answers';
import { AUTOCONFIG_CONTENT_TYPE } from '../../src/protocols/autoconfig/paths';
import { renderAutoconfig } from '../../src/protocols/autoconfig/render';
import { expectedPlainText } from '../support/answers';
import { EXAMPLE_CONFIG, settingsFor } from '../support/settings';

const settings = settingsFor('pop.user@example.com', 'pop');

/** One outcome of every kind: the Record makes the compiler list them all. */
const OUTCOMES: Readonly<Record<AutoconfigOutcome['kind'], AutoconfigOutcome>> = {
  'invalid-request': { kind: 'invalid-request', invalid: { kind: 'no-domain' } },
  'rate-limited': { kind: 'rate-limited', retryAfterSeconds: 17 },
  'invalid-address': { kind: 'invalid-address', request: null, addressError: 'missing-at' },
  'not-hosted': { kind: 'not-hosted', request: null, domain: 'example.net' },
  unavailable: { kind: 'unavailable', request: null, domain: 'example.com', retryAfterSeconds: 30 },
  settings: { kind: 'settings', request: null, settings },
};

const answer = (kind: AutoconfigOutcome['kind']) => answerAutoconfig(OUTCOMES[kind], EXAMPLE_CONFIG.provider);

describe('autoconfig answer table › every outcome', () => {
  test.each([
    ['invalid-request', 404, 'No mail configuration for this host.\n', undefined],
    ['rate-limited', 429, 'Too many requests; try again later.\n', 17],
    ['invalid-address', 400, 'emailaddress: the e-mail address has no "@"\n', undefined],
    ['not-hosted', 404, 'No mail configuration for this domain.\n', undefined],
    ['unavailable', 503, 'The account directory cannot be reached; try again later.\n', 30],
  ] as const)('%s › %i, plain text, Retry-After %s', (kind, status, body, retryAfterSeconds) => {
    expect(answer(kind)).toEqual(expectedPlainText(status, body, retryAfterSeconds));
  });

  test('settings › 200, the clientConfig document', () => {
    expect(answer('settings')).toEqual({
      status: 200,
      contentType: AUTOCONFIG_CONTENT_TYPE,
      body: renderAutoconfig(settings, EXAMPLE_CONFIG.provider),
    });
  });
});
