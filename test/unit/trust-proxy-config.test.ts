import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load';
import { trustProxyHazard, type TrustProxy } from '../../src/config/trust-proxy';

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'trust-proxy-config-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Loads a config file whose `server.trustProxy` is `trustProxy`. */
function load(trustProxy: unknown) {
  writeFileSync(path.join(folder, 'config.json'), JSON.stringify({ server: { trustProxy } }));
  return loadConfig({ CONFIG_FILE: 'config.json' }, folder);
}

function loaded(trustProxy: unknown): TrustProxy {
  const result = load(trustProxy);
  if (!result.ok) throw new Error(result.error.join('\n'));
  return result.value.config.server.trustProxy;
}

function problems(trustProxy: unknown): string[] {
  const result = load(trustProxy);
  if (result.ok) throw new Error('expected the config to be refused');
  return result.error;
}

describe('server.trustProxy › accepted', () => {
  test('not set › false: no peer is believed', () => {
    expect(loaded(undefined)).toBe(false);
  });

  test.each([
    [['loopback'], ['loopback']],
    [
      ['10.0.0.0/8', 'fd00::/8', '192.0.2.7', '::1'],
      ['10.0.0.0/8', 'fd00::/8', '192.0.2.7', '::1'],
    ],
    [
      ['linklocal', 'uniquelocal'],
      ['linklocal', 'uniquelocal'],
    ],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
    ['172.16.0.0/255.240.0.0', ['172.16.0.0/255.240.0.0']],
  ])('%j › the list %j', (given, list) => {
    expect(loaded(given)).toEqual(list);
  });

  test.each([true, false, 0, 2])('%j › kept as given (true and hop counts are warned about at start-up)', (given) => {
    expect(loaded(given)).toBe(given);
  });
});

describe('server.trustProxy › invalid entries refuse to start, naming the key, the entry and the fix', () => {
  test.each([
    [['10.0.0.0/33'], '10.0.0.0/33'],
    [['loopback', 'proxy.internal'], 'proxy.internal'],
    ['Loopback', 'Loopback'],
    ['10.0.0.0/8, ', ''],
    ['true', 'true'],
    [['256.1.1.1'], '256.1.1.1'],
  ])('%j › refused over %j', (given, entry) => {
    const lines = problems(given);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`server.trustProxy entry ${JSON.stringify(entry)} is not usable`);
    expect(lines[0]).toContain('CIDR subnets such as "10.0.0.0/8", or "loopback", "linklocal", "uniquelocal"');
  });

  test('every bad entry is listed', () => {
    expect(problems(['10.0.0.0/33', 'loopback', 'nope'])).toHaveLength(2);
  });

  test.each([-1, 1.5, null, { from: 'loopback' }])('%j › refused with the forms it takes', (given) => {
    const lines = problems(given);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/server\.trustProxy .*must be false, a list of proxy addresses, true or a hop count/);
  });
});

describe('trustProxyHazard › the start-up warning', () => {
  test.each([true, 1, 3] as const)('%j › names the hazard and the fix', (trustProxy) => {
    const warning = trustProxyHazard(trustProxy);
    expect(warning).toContain('any client that reaches the service directly can set X-Forwarded-For');
    expect(warning).toContain('rate limit');
    expect(warning).toContain('set it to the proxies’ own addresses');
  });

  test.each([false, 0, [], ['loopback'], ['10.0.0.0/8', 'fd00::/8']] as const)('%j › none', (trustProxy) => {
    expect(trustProxyHazard(trustProxy)).toBeNull();
  });
});
