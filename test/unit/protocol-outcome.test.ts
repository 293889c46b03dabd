import { buildProviderProfile } from '../../src/config/provider-profile';
import { DirectoryUnavailableError } from '../../src/directory/account-directory';
import { createDiscover, domainTarget } from '../../src/discovery/discover';
import type { RequestOutcome } from '../../src/http/request-outcome';
import {
  DIRECTORY_UNAVAILABLE_RETRY_SECONDS,
  discoverAddress,
  discoverTarget,
  loggedOutcomeOf,
  type InvalidRequest,
  type ProtocolOutcome,
} from '../../src/protocols/protocol-outcome';
import { BUSINESS_KNOWN, NOT_HOSTED_ANSWER, POP_UNKNOWN_MAILBOX, ScriptedSource } from '../support/directory-doubles';
import { address, EXAMPLE_CONFIG, settingsFor } from '../support/settings';

const REQUEST = { schema: 'mobilesync' } as const;

function discoverWith(source: ScriptedSource, unexpected: unknown[] = []) {
  return createDiscover(source, buildProviderProfile(EXAMPLE_CONFIG), {
    revealDisplayNames: false,
    onUnexpectedError: (error) => unexpected.push(error),
  });
}

describe('discoverAddress › the ladder every router shares', () => {
  test('an invalid address › invalid-address with the parser’s reason; the directory is not asked', async () => {
    const source = new ScriptedSource();
    expect(await discoverAddress(discoverWith(source), REQUEST, 'no-at-sign')).toEqual({
      kind: 'invalid-address',
      request: REQUEST,
      addressError: 'missing-at',
    });
    expect(source.calls).toBe(0);
  });

  test('a domain not hosted › not-hosted with the ASCII domain', async () => {
    const source = new ScriptedSource().answer(NOT_HOSTED_ANSWER);
    expect(await discoverAddress(discoverWith(source), REQUEST, 'jane@Bücher.example')).toEqual({
      kind: 'not-hosted',
      request: REQUEST,
      domain: 'xn--bcher-kva.example',
      cache: null,
    });
  });

  test('the directory away › unavailable, with the Retry-After every protocol may send', async () => {
    const source = new ScriptedSource().fail(new DirectoryUnavailableError('down'));
    const unexpected: unknown[] = [];
    expect(await discoverAddress(discoverWith(source, unexpected), REQUEST, 'jane@example.com')).toEqual({
      kind: 'unavailable',
      request: REQUEST,
      domain: 'example.com',
      retryAfterSeconds: DIRECTORY_UNAVAILABLE_RETRY_SECONDS,
      cache: 'miss',
    });
    expect(unexpected).toEqual([]);
  });

  test('a bug in the lookup › unavailable too, and reported as unexpected', async () => {
    const bug = new TypeError('bug');
    const unexpected: unknown[] = [];
    const outcome = await discoverAddress(
      discoverWith(new ScriptedSource().fail(bug), unexpected),
      REQUEST,
      'a@b.example',
    );
    expect(outcome.kind).toBe('unavailable');
    expect(unexpected).toEqual([bug]);
  });

  test('hosted › settings whose user carries the address asked', async () => {
    const source = new ScriptedSource().answer(BUSINESS_KNOWN);
    const outcome = await discoverAddress(discoverWith(source), REQUEST, 'business.user@example.com');
    expect(outcome).toEqual({
      kind: 'settings',
      request: REQUEST,
      settings: settingsFor('business.user@example.com', 'business'),
      cache: null,
    });
  });
});

describe('discoverTarget › a domain only (autoconfig without emailaddress)', () => {
  test('hosted › settings without an address, usernames left for the client to fill in', async () => {
    const source = new ScriptedSource().answer(POP_UNKNOWN_MAILBOX);
    const outcome = await discoverTarget(discoverWith(source), null, domainTarget('example.com'));
    if (outcome.kind !== 'settings') throw new Error(`expected settings, got ${outcome.kind}`);
    expect(outcome.settings.user).toEqual({ address: null, domain: 'example.com', displayName: null });
    expect(outcome.settings.username).toBeNull();
  });
});

describe('loggedOutcomeOf › the log line’s account of every outcome kind', () => {
  type Invalid = { readonly kind: 'body-refused'; readonly refusedStatus: number } | { readonly kind: 'not-a-post' };
  type Outcome = ProtocolOutcome<typeof REQUEST, Invalid & InvalidRequest>;
  const settings = settingsFor('pop.user@example.com', 'pop');
  const CASES: Readonly<Record<Outcome['kind'], ReadonlyArray<readonly [Outcome, RequestOutcome]>>> = {
    'invalid-request': [
      [
        { kind: 'invalid-request', invalid: { kind: 'not-a-post' } },
        { protocol: 'autodiscover', outcome: 'invalid-request', problem: 'not-a-post' },
      ],
      [
        { kind: 'invalid-request', invalid: { kind: 'body-refused', refusedStatus: 413 } },
        { protocol: 'autodiscover', outcome: 'invalid-request', problem: 'body-refused', refusedStatus: 413 },
      ],
    ],
    'rate-limited': [
      [
        { kind: 'rate-limited', retryAfterSeconds: 3 },
        { protocol: 'autodiscover', outcome: 'rate-limited' },
      ],
    ],
    'invalid-address': [
      [
        { kind: 'invalid-address', request: REQUEST, addressError: 'quoted-local-part' },
        { protocol: 'autodiscover', outcome: 'invalid-address', addressError: 'quoted-local-part' },
      ],
    ],
    'not-hosted': [
      [
        { kind: 'not-hosted', request: REQUEST, domain: 'example.net' },
        { protocol: 'autodiscover', outcome: 'not-hosted', domain: 'example.net' },
      ],
    ],
    unavailable: [
      [
        { kind: 'unavailable', request: REQUEST, domain: 'example.com', retryAfterSeconds: 30 },
        { protocol: 'autodiscover', outcome: 'directory-unavailable', domain: 'example.com' },
      ],
    ],
    settings: [
      [
        { kind: 'settings', request: REQUEST, settings },
        {
          protocol: 'autodiscover',
          outcome: 'settings',
          domain: 'example.com',
          accessType: 'pop',
          schema: 'mobilesync',
        },
      ],
    ],
  };

  test.each(Object.values(CASES).flat())('%o', (outcome, logged) => {
    expect(loggedOutcomeOf('autodiscover', outcome, (request) => request.schema)).toEqual(logged);
  });

  test('never the local part', () => {
    const logged = JSON.stringify(loggedOutcomeOf('mobileconfig', { kind: 'settings', request: null, settings }));
    expect(logged).not.toContain(address('pop.user@example.com').localPart);
    expect(logged).toBe('{"protocol":"mobileconfig","outcome":"settings","domain":"example.com","accessType":"pop"}');
  });
});
