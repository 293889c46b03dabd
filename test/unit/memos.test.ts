/**
 * The hot path's memos (src/model/remember.ts, src/protocols/memoize-rendering.ts, the settings memo
 * in src/discovery/discover.ts): a repeat gets the very same object, anything that differs in what
 * the answer depends on gets its own, and the plain-LRU ones keep no more than they are told.
 */
import { buildProviderProfile } from '../../src/config/provider-profile';
import type { AccountDirectory, DirectoryAnswer } from '../../src/directory/account-directory';
import { addressTarget, createDiscover, domainTarget } from '../../src/discovery/discover';
import { RecentlyUsed, rememberByText } from '../../src/model/remember';
import { memoizeRendering } from '../../src/protocols/memoize-rendering';
import { address, EXAMPLE_CONFIG } from '../support/settings';

describe('RecentlyUsed › a bounded map, least recently used out first', () => {
  test('computes once per key, keeps at most `kept`, and a hit counts as a use', () => {
    const recent = new RecentlyUsed<string>(2);
    const computed: string[] = [];
    const get = (key: string): string =>
      recent.get(key, () => {
        computed.push(key);
        return key.toUpperCase();
      });
    expect([get('a'), get('b'), get('a')]).toEqual(['A', 'B', 'A']);
    get('c'); // evicts b, the least recently used
    get('a');
    get('b');
    expect(computed).toEqual(['a', 'b', 'c', 'b']);
    expect(recent.size).toBe(2);
  });

  test('rememberByText › the same object for the same text', () => {
    const parse = rememberByText((text: string) => ({ text }));
    expect(parse('x')).toBe(parse('x'));
    expect(parse('x')).not.toBe(parse('y'));
  });
});

describe('memoizeRendering › per settings object and the JSON of the other arguments', () => {
  test('renders once per settings object and argument JSON', () => {
    const calls: string[] = [];
    const render = memoizeRendering((settings: { readonly name: string }, options: { readonly upper: boolean }) => {
      calls.push(settings.name);
      return options.upper ? settings.name.toUpperCase() : settings.name;
    });
    const settings = { name: 'a' };
    expect(render(settings, { upper: true })).toBe('A');
    expect(render(settings, { upper: true })).toBe('A'); // an equal, fresh options object: a hit
    expect(render(settings, { upper: false })).toBe('a');
    expect(render({ name: 'a' }, { upper: true })).toBe('A'); // another settings object: rendered again
    expect(calls).toEqual(['a', 'a', 'a']);
  });
});

describe('discover › the same settings object for the same account and directory answer', () => {
  type HostedAnswer = Extract<DirectoryAnswer, { hosted: true }>;
  let answer: HostedAnswer = { hosted: true, accessType: 'pop', mailbox: 'known', displayName: 'Jane' };
  const directory: AccountDirectory = { lookup: async () => answer, close: async () => undefined };
  const discover = createDiscover(directory, buildProviderProfile(EXAMPLE_CONFIG), {
    revealDisplayNames: true,
    onUnexpectedError: () => undefined,
  });
  const settingsOf = async (target: Parameters<typeof discover>[0]) => {
    const discovery = await discover(target);
    if (discovery.status !== 'settings') throw new Error(discovery.status);
    return discovery.settings;
  };

  test('an address: kept while the answer is the same, new when the access type or name changes', async () => {
    const jane = address('jane@example.com');
    const first = await settingsOf(addressTarget(jane));
    expect(await settingsOf(addressTarget(jane))).toBe(first);
    expect(await settingsOf(addressTarget(address('jane@example.com')))).not.toBe(first); // another address object
    answer = { ...answer, accessType: 'business' };
    const business = await settingsOf(addressTarget(jane));
    expect(business.accessType).toBe('business');
    answer = { ...answer, displayName: 'Jane Doe' };
    expect((await settingsOf(addressTarget(jane))).user.displayName).toBe('Jane Doe');
  });

  test('a domain: kept per domain and answer', async () => {
    const first = await settingsOf(domainTarget('example.com'));
    expect(await settingsOf(domainTarget('example.com'))).toBe(first);
    expect((await settingsOf(domainTarget('example.org'))).user.domain).toBe('example.org');
  });
});
