/**
 * Per-domain platforms (docs/protocols.md §14): the overlay of a domain's platform on the provider
 * profile, key by key; the checks a platform gets wherever it comes from, with the domain and the key
 * in every message; and discover() keeping one merged profile per platform, never shared.
 */
import { parsePlatform } from '../../src/config/platform-schema';
import { buildProviderProfile } from '../../src/config/provider-profile';
import type { AccountDirectory, DirectoryAnswer } from '../../src/directory/account-directory';
import { parseDirectoryData } from '../../src/directory/directory-data';
import { changedDomainsOf } from '../../src/directory/file-directory';
import {
  addressTarget,
  createDiscover,
  domainTarget,
  PLATFORM_PROFILES_KEPT,
  type DiscoveryTarget,
} from '../../src/discovery/discover';
import type { MailSettings } from '../../src/model/mail-settings';
import { applyPlatform, overriddenValues, type DomainPlatform } from '../../src/model/platform';
import { resolveSettings } from '../../src/model/resolve-settings';
import { examplePlatformOf, HOSTING02_DOMAIN, MAIL2_DOMAIN } from '../support/platforms';
import { address, EXAMPLE_CONFIG } from '../support/settings';

const PROFILE = buildProviderProfile(EXAMPLE_CONFIG);

function platform(input: unknown): DomainPlatform {
  const parsed = parsePlatform('test', 'hosting02.example', input);
  if (!parsed.ok) throw new Error(parsed.error.join('\n'));
  return parsed.value;
}

function problems(input: unknown): string[] {
  const parsed = parsePlatform('accounts.json: domains.2.platform', 'hosting02.example', input);
  if (parsed.ok) throw new Error('accepted');
  return parsed.error;
}

describe('applyPlatform › the platform over the provider profile, key by key', () => {
  test('no section › the provider-wide sections themselves', () => {
    const merged = applyPlatform(PROFILE, platform({ name: 'label only' }));
    expect(merged.popAccess).toBe(PROFILE.popAccess);
    expect(merged.businessMail).toBe(PROFILE.businessMail);
  });

  test('Business Mail on another Exchange cluster › its values, the rest provider-wide', () => {
    const merged = applyPlatform(PROFILE, examplePlatformOf(HOSTING02_DOMAIN));
    expect(merged.businessMail).toEqual({
      exchange: {
        host: 'exchange02.example.net',
        owaUrl: 'https://exchange02.example.net/owa',
        ewsUrl: 'https://exchange02.example.net/EWS/Exchange.asmx',
        activeSyncUrl: 'https://exchange02.example.net/Microsoft-Server-ActiveSync',
      },
      windowsDomain: 'hosting02',
      mobileUsername: 'address',
      outlookRedirectUrl: null,
      activeDirectoryServer: null,
      outgoing: PROFILE.businessMail.outgoing,
    });
    expect(merged.popAccess).toBe(PROFILE.popAccess);
  });

  test('POP access on another host › its servers; keep-a-copy provider-wide', () => {
    const merged = applyPlatform(PROFILE, examplePlatformOf(MAIL2_DOMAIN));
    expect(merged.popAccess.incoming.map((server) => `${server.protocol} ${server.host}:${server.port}`)).toEqual([
      'imap imap.mail2.example.net:993',
      'pop3 pop.mail2.example.net:995',
    ]);
    expect(merged.popAccess.outgoing.map((server) => server.host)).toEqual([
      'smtp.mail2.example.net',
      'smtp.mail2.example.net',
    ]);
    expect(merged.popAccess.leaveMessagesOnServer).toBe(PROFILE.popAccess.leaveMessagesOnServer);
    expect(merged.businessMail).toBe(PROFILE.businessMail);
  });

  test('preferredIncoming alone › the provider servers, reordered; one server alone › the other stays', () => {
    expect(
      applyPlatform(PROFILE, platform({ name: 'p', popAccess: { preferredIncoming: 'pop3' } })).popAccess.incoming,
    ).toEqual([PROFILE.popAccess.incoming[1], PROFILE.popAccess.incoming[0]]);
    const ownPop3 = applyPlatform(
      PROFILE,
      platform({ name: 'p', popAccess: { pop3: { host: 'pop.other.example', port: 110, socket: 'starttls' } } }),
    );
    expect(ownPop3.popAccess.incoming).toEqual([
      PROFILE.popAccess.incoming[0],
      { protocol: 'pop3', host: 'pop.other.example', port: 110, socket: 'starttls' },
    ]);
  });

  test('outlookMode › redirect with its URL; settings turns a provider-wide redirect off', () => {
    const redirect = platform({
      name: 'p',
      businessMail: {
        outlookMode: 'redirect',
        outlookRedirectUrl: 'https://ex02.example.net/Autodiscover/Autodiscover.xml',
      },
    });
    expect(applyPlatform(PROFILE, redirect).businessMail.outlookRedirectUrl).toBe(
      'https://ex02.example.net/Autodiscover/Autodiscover.xml',
    );
    const redirectingProvider = {
      ...PROFILE,
      businessMail: { ...PROFILE.businessMail, outlookRedirectUrl: 'https://mamutmail.com/a.xml' },
    };
    const settingsMode = platform({ name: 'p', businessMail: { outlookMode: 'settings' } });
    expect(applyPlatform(redirectingProvider, settingsMode).businessMail.outlookRedirectUrl).toBeNull();
    expect(applyPlatform(redirectingProvider, platform({ name: 'p', businessMail: {} })).businessMail).toEqual(
      redirectingProvider.businessMail,
    );
  });

  test('activeDirectoryServer › a host, or null for none where the provider names one', () => {
    const withGc = { ...PROFILE, businessMail: { ...PROFILE.businessMail, activeDirectoryServer: 'gc.mamutmail.com' } };
    expect(
      applyPlatform(withGc, platform({ name: 'p', businessMail: { activeDirectoryServer: 'gc02.example.net' } }))
        .businessMail.activeDirectoryServer,
    ).toBe('gc02.example.net');
    expect(
      applyPlatform(withGc, platform({ name: 'p', businessMail: { activeDirectoryServer: null } })).businessMail
        .activeDirectoryServer,
    ).toBeNull();
  });

  test('settings resolved with the merged profile carry every overridden value (the setup page reads them)', () => {
    const merged = applyPlatform(PROFILE, examplePlatformOf(HOSTING02_DOMAIN));
    const jane = address('Jane@hosting02.example');
    const settings = resolveSettings(merged, {
      accessType: 'business',
      domain: jane.domain,
      address: jane,
      displayName: null,
    });
    expect(settings).toMatchObject({
      windowsDomain: 'hosting02',
      // mobileUsername "address": no @ → _ on this platform.
      mobileUsername: 'Jane@hosting02.example',
      exchange: { host: 'exchange02.example.net' },
    });
  });

  test('overriddenValues › section.key and value, in the platform order', () => {
    expect(overriddenValues(examplePlatformOf(HOSTING02_DOMAIN)).map(([key]) => key)).toEqual([
      'businessMail.host',
      'businessMail.owaUrl',
      'businessMail.ewsUrl',
      'businessMail.activeSyncUrl',
      'businessMail.windowsDomain',
      'businessMail.mobileUsername',
    ]);
  });
});

describe('parsePlatform › the config rules, each message naming the domain and the key', () => {
  test.each([
    [
      'an unknown key',
      { name: 'p', businessMail: { webmailUrl: 'https://x.example' } },
      /businessMail has unknown key\(s\) "webmailUrl"/,
    ],
    [
      'a URL that is not https',
      { name: 'p', businessMail: { ewsUrl: 'http://x.example/EWS/Exchange.asmx' } },
      /businessMail\.ewsUrl must be an absolute https:\/\/ URL/,
    ],
    [
      'a host that is no host name',
      { name: 'p', businessMail: { host: 'exchange 02' } },
      /businessMail\.host must be a host name/,
    ],
    [
      'a Windows domain with a space',
      { name: 'p', businessMail: { windowsDomain: 'hosting 02' } },
      /businessMail\.windowsDomain must be a NetBIOS\/DNS domain/,
    ],
    [
      'plain-text IMAP',
      { name: 'p', popAccess: { imap: { host: 'imap.example.net', port: 143, socket: 'none' } } },
      /popAccess\.imap\.socket must be "tls"/,
    ],
    [
      'an empty SMTP list',
      { name: 'p', popAccess: { smtp: [] } },
      /popAccess\.smtp must list at least one SMTP server/,
    ],
    [
      'too many SMTP servers',
      {
        name: 'p',
        businessMail: {
          smtp: Array.from({ length: 9 }, () => ({ host: 'smtp.example.net', port: 587, socket: 'starttls' })),
        },
      },
      /businessMail\.smtp must list at most 8 SMTP servers/,
    ],
    [
      'redirect without its URL',
      { name: 'p', businessMail: { outlookMode: 'redirect' } },
      /businessMail\.outlookRedirectUrl is missing; outlookMode "redirect" needs/,
    ],
    [
      'a redirect URL without redirect mode',
      { name: 'p', businessMail: { outlookRedirectUrl: 'https://x.example/a.xml' } },
      /businessMail\.outlookMode must be "redirect" when outlookRedirectUrl is set/,
    ],
    [
      'no name',
      { businessMail: {} },
      /accounts\.json: domains\.2\.platform \(domain "hosting02\.example"\): name is missing/,
    ],
    ['a name with a control character', { name: 'a\u0007b' }, /name must not contain control characters/],
    [
      'days out of range',
      { name: 'p', popAccess: { daysToLeaveMessagesOnServer: 0 } },
      /popAccess\.daysToLeaveMessagesOnServer must be at least 1/,
    ],
    ['not an object', 'hosting02', /\(top level\)/],
  ])('%s › refused', (_label, input, message) => {
    const found = problems(input);
    expect(found.join('\n')).toMatch(message);
    for (const line of found) expect(line).toContain('accounts.json: domains.2.platform (domain "hosting02.example")');
  });
});

describe('the account file › platform per domain', () => {
  test('a platform problem names the file, the entry, the domain and the key; the rest of the file is still checked', () => {
    const result = parseDirectoryData('accounts.json', {
      domains: [
        { domain: 'example.com', defaultAccessType: 'pop' },
        {
          domain: 'Hosting02.Example',
          defaultAccessType: 'business',
          platform: { name: 'h', businessMail: { owaUrl: 'ftp://x' } },
        },
      ],
      accounts: [{ address: 'jane@nowhere.example', accessType: 'pop' }],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual([
      expect.stringMatching(
        /^accounts\.json: domains\.1\.platform \(domain "hosting02\.example"\): businessMail\.owaUrl must be an absolute https:\/\/ URL/,
      ),
      expect.stringContaining('accounts.0.address "jane@nowhere.example" is in a domain not listed'),
    ]);
  });

  test('a changed platform › the domain counts as changed (cached answers of it are dropped)', () => {
    const load = (owaUrl: string) => {
      const loaded = parseDirectoryData('accounts.json', {
        domains: [
          { domain: 'example.com', defaultAccessType: 'pop' },
          {
            domain: 'hosting02.example',
            defaultAccessType: 'business',
            platform: { name: 'h', businessMail: { owaUrl } },
          },
        ],
      });
      if (!loaded.ok) throw new Error(loaded.error.join('\n'));
      return loaded.value;
    };
    expect(changedDomainsOf(load('https://a.example/owa'), load('https://a.example/owa'))).toEqual([]);
    expect(changedDomainsOf(load('https://a.example/owa'), load('https://b.example/owa'))).toEqual([
      'hosting02.example',
    ]);
  });
});

describe('discover › one merged profile per platform, never shared', () => {
  type HostedAnswer = Extract<DirectoryAnswer, { hosted: true }>;
  const plain: HostedAnswer = { hosted: true, accessType: 'business', mailbox: 'unknown', displayName: null };
  let answer: HostedAnswer = plain;
  const directory: AccountDirectory = { lookup: async () => answer, close: async () => undefined };
  const discover = createDiscover(directory, PROFILE, {
    revealDisplayNames: false,
    onUnexpectedError: () => undefined,
  });
  const jane = address('jane@hosting02.example');

  async function settingsNow(target: DiscoveryTarget = addressTarget(jane)): Promise<MailSettings> {
    const found = await discover(target);
    if (found.status !== 'settings') throw new Error(found.status);
    return found.settings;
  }

  test('the same platform (as an equal new object too) › the same settings object; another platform › its own', async () => {
    const providerWide = await settingsNow();
    answer = { ...plain, platform: examplePlatformOf(HOSTING02_DOMAIN) };
    const onHosting02 = await settingsNow();
    expect(onHosting02).not.toBe(providerWide);
    expect(onHosting02).toMatchObject({ windowsDomain: 'hosting02' });
    expect(await settingsNow()).toBe(onHosting02);
    // A PostgreSQL or HTTP directory parses a new, equal object each time: found by its JSON.
    answer = { ...plain, platform: structuredClone(examplePlatformOf(HOSTING02_DOMAIN)) };
    expect(await settingsNow()).toBe(onHosting02);
    answer = { ...plain, platform: { name: 'hosting03', businessMail: { windowsDomain: 'hosting03' } } };
    const onHosting03 = await settingsNow();
    expect(onHosting03).not.toBe(onHosting02);
    expect(onHosting03).toMatchObject({ windowsDomain: 'hosting03', exchange: PROFILE.businessMail.exchange });
    answer = plain;
    expect(await settingsNow()).toBe(providerWide);
  });

  test('domain targets › per platform too', async () => {
    answer = plain;
    const providerWide = await settingsNow(domainTarget(HOSTING02_DOMAIN));
    answer = { ...plain, platform: examplePlatformOf(HOSTING02_DOMAIN) };
    const onHosting02 = await settingsNow(domainTarget(HOSTING02_DOMAIN));
    expect(onHosting02).not.toBe(providerWide);
    expect(onHosting02).toMatchObject({ exchange: { host: 'exchange02.example.net' }, username: null });
  });

  test('many platforms › each still answered with its own values (the kept merged profiles are bounded)', async () => {
    for (let index = 0; index < PLATFORM_PROFILES_KEPT + 10; index += 1) {
      answer = { ...plain, platform: { name: `p${index}`, businessMail: { windowsDomain: `hosting${index}` } } };
      expect(await settingsNow()).toMatchObject({ windowsDomain: `hosting${index}` });
    }
  });
});
