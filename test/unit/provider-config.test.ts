import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load';
import type { AppConfig } from '../../src/config/schema';

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'provider-config-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function load(settings: object) {
  writeFileSync(path.join(folder, 'config.json'), JSON.stringify(settings));
  return loadConfig({ CONFIG_FILE: 'config.json' }, folder);
}

function loaded(settings: object): AppConfig {
  const result = load(settings);
  if (!result.ok) throw new Error(result.error.join('\n'));
  return result.value.config;
}

/** The problems, with the config file's path shortened to "config.json". */
function problems(settings: object): string[] {
  const result = load(settings);
  if (result.ok) throw new Error('expected the config to be refused');
  return result.error.map((line) => line.replace(path.join(folder, 'config.json'), 'config.json'));
}

describe('provider.autoconfigDomains › accepted', () => {
  test('left out › the provider id', () => {
    expect(loaded({}).provider.autoconfigDomains).toEqual(['mamutmail.com']);
    expect(loaded({ provider: { id: 'mail.other.example' } }).provider.autoconfigDomains).toEqual([
      'mail.other.example',
    ]);
  });

  test('listed › compared as Host names are: lower case, A-labels, no trailing dot, no repeats', () => {
    expect(
      loaded({
        provider: { autoconfigDomains: ['MamutMail.com', 'eu.mamutmail.com.', 'bücher.example', 'mamutmail.com'] },
      }).provider.autoconfigDomains,
    ).toEqual(['mamutmail.com', 'eu.mamutmail.com', 'xn--bcher-kva.example']);
  });

  test('[] › off', () => {
    expect(loaded({ provider: { autoconfigDomains: [] } }).provider.autoconfigDomains).toEqual([]);
  });
});

describe('provider.autoconfigDomains › refused, naming the key and the fix', () => {
  test('"autoconfig.mamutmail.com" › list the domain without "autoconfig."', () => {
    expect(problems({ provider: { autoconfigDomains: ['autoconfig.mamutmail.com'] } })).toEqual([
      expect.stringMatching(/provider\.autoconfigDomains\.0.*without "autoconfig\."/),
    ]);
  });

  test.each([['not a host'], ['https://mamutmail.com'], [42]])('%j › must be a host name', (entry) => {
    expect(problems({ provider: { autoconfigDomains: [entry] } })).toEqual([
      expect.stringContaining('provider.autoconfigDomains.0'),
    ]);
  });

  test('a single string instead of a list › refused', () => {
    expect(problems({ provider: { autoconfigDomains: 'mamutmail.com' } })).toEqual([
      expect.stringContaining('provider.autoconfigDomains'),
    ]);
  });
});
