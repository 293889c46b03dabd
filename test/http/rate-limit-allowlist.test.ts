/** rateLimit.allowlist: clients that ask for many users from few addresses are never limited. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../src/config/load';
import { exampleApp } from '../support/app';

const AUTOCONFIG = '/mail/config-v1.1.xml?emailaddress=pop.user%40example.com';

function limitedApp(allowlist: string[]) {
  return exampleApp({
    config: (config) => ({
      ...config,
      server: { ...config.server, trustProxy: ['loopback'] },
      rateLimit: { enabled: true, points: 2, durationSeconds: 60, allowlist },
    }),
  });
}

describe('rate limit allowlist', () => {
  test('a client in an allowed subnet (IPv4 and IPv6) is never refused; others are, past their budget', async () => {
    const app = limitedApp(['52.96.0.0/12', '2603:1006::/40']);
    for (const allowed of ['52.97.1.2', '2603:1006:10::5']) {
      for (let time = 0; time < 5; time++)
        await request(app).get(AUTOCONFIG).set('X-Forwarded-For', allowed).expect(200);
    }
    const other = '198.51.100.9';
    await request(app).get(AUTOCONFIG).set('X-Forwarded-For', other).expect(200);
    await request(app).get(AUTOCONFIG).set('X-Forwarded-For', other).expect(200);
    const refused = await request(app).get(AUTOCONFIG).set('X-Forwarded-For', other);
    expect(refused.status).toBe(429);
  });

  test('an empty allowlist (the default) allows no one past the limit', async () => {
    const app = limitedApp([]);
    await request(app).get(AUTOCONFIG).set('X-Forwarded-For', '52.97.1.2').expect(200);
    await request(app).get(AUTOCONFIG).set('X-Forwarded-For', '52.97.1.2').expect(200);
    expect((await request(app).get(AUTOCONFIG).set('X-Forwarded-For', '52.97.1.2')).status).toBe(429);
  });

  test('an entry that is not an IP or CIDR › refused at start-up, naming the key, the entry and the fix', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mail-autodiscover-allowlist-'));
    try {
      writeFileSync(path.join(dir, 'accounts.json'), JSON.stringify({ domains: [], accounts: [] }));
      writeFileSync(
        path.join(dir, 'config.json'),
        JSON.stringify({ rateLimit: { allowlist: ['52.96.0.0/12', 'outlook.office365.com'] } }),
      );
      const loaded = loadConfig({ CONFIG_FILE: 'config.json' }, dir);
      expect(loaded.ok).toBe(false);
      const problems = loaded.ok ? [] : loaded.error;
      expect(problems).toEqual([
        expect.stringMatching(
          /rateLimit\.allowlist.*"outlook\.office365\.com" is not an IP address or CIDR subnet.*write e\.g\./,
        ) as unknown,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
