import request from 'supertest';
import type { Express } from 'express';
import { DirectoryUnavailableError, type AccountDirectory } from '../../src/directory/account-directory';
import { Registry } from 'prom-client';
import { exampleApp, exampleDirectory } from '../support/app';

const AUTOCONFIG = '/mail/config-v1.1.xml?emailaddress=';
const TOKEN = 'metrics-token-0123456789abcdef';

/** The value of one sample line of the exposition text, e.g. `name{a="b"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(app: Express): Promise<string> {
  const res = await request(app).get('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe(Registry.PROMETHEUS_CONTENT_TYPE);
  return res.text;
}

describe('GET /metrics', () => {
  test('requests by protocol, outcome and access type; latency; cache hits and misses; directory latency', async () => {
    const app = exampleApp();
    await request(app).get(`${AUTOCONFIG}pop.user%40example.com`).expect(200);
    await request(app).get(`${AUTOCONFIG}pop.user%40example.com`).expect(200);
    await request(app).get(`${AUTOCONFIG}business.user%40example.com`).expect(200);
    await request(app).get(`${AUTOCONFIG}someone%40not-hosted.example`);
    await request(app).get(`${AUTOCONFIG}not-an-address`).expect(400);
    const text = await scrape(app);
    const requests = 'mail_autodiscover_requests_total';
    expect(sample(text, `${requests}{protocol="autoconfig",outcome="settings",access_type="pop"}`)).toBe(2);
    expect(sample(text, `${requests}{protocol="autoconfig",outcome="settings",access_type="business"}`)).toBe(1);
    expect(sample(text, `${requests}{protocol="autoconfig",outcome="not-hosted",access_type="none"}`)).toBe(1);
    expect(sample(text, `${requests}{protocol="autoconfig",outcome="invalid-address",access_type="none"}`)).toBe(1);
    expect(sample(text, 'mail_autodiscover_request_duration_seconds_count{protocol="autoconfig"}')).toBe(5);
    expect(sample(text, 'mail_autodiscover_cache_lookups_total{result="hit"}')).toBe(1);
    expect(sample(text, 'mail_autodiscover_cache_lookups_total{result="miss"}')).toBe(3);
    expect(sample(text, 'mail_autodiscover_cache_lookups_total{result="stale"}')).toBe(0);
    expect(sample(text, 'mail_autodiscover_directory_lookup_duration_seconds_count{result="ok"}')).toBe(3);
    expect(sample(text, 'mail_autodiscover_rate_limited_total{protocol="autoconfig"}')).toBeUndefined();
    // Node's process metrics (prom-client's defaults).
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });

  test('directory outages and unexpected errors are counted apart', async () => {
    let failure: Error = new DirectoryUnavailableError('down');
    const flaky: AccountDirectory = {
      lookup: async () => {
        throw failure;
      },
      close: async () => {},
    };
    const app = exampleApp({ directory: flaky });
    await request(app).get(`${AUTOCONFIG}pop.user%40example.com`).expect(503);
    failure = new Error('a bug');
    await request(app).get(`${AUTOCONFIG}pop.user%40example.com`).expect(503);
    const text = await scrape(app);
    const directory = 'mail_autodiscover_directory_lookup_duration_seconds_count';
    expect(sample(text, `${directory}{result="unavailable"}`)).toBe(1);
    expect(sample(text, `${directory}{result="error"}`)).toBe(1);
    expect(
      sample(
        text,
        'mail_autodiscover_requests_total{protocol="autoconfig",outcome="directory-unavailable",access_type="none"}',
      ),
    ).toBe(2);
  });

  test('rate-limit refusals are counted by protocol', async () => {
    const app = exampleApp({
      config: (config) => ({ ...config, rateLimit: { ...config.rateLimit, enabled: true, points: 1 } }),
    });
    await request(app).get(`${AUTOCONFIG}pop.user%40example.com`).expect(200);
    await request(app).get(`${AUTOCONFIG}pop.user%40example.com`).expect(429);
    const text = await scrape(app);
    expect(sample(text, 'mail_autodiscover_rate_limited_total{protocol="autoconfig"}')).toBe(1);
  });

  test('with a token › 401 and a Bearer challenge without it or with a wrong one; 200 with it', async () => {
    const app = exampleApp({ config: (config) => ({ ...config, metrics: { ...config.metrics, token: TOKEN } }) });
    const missing = await request(app).get('/metrics');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="mail-autodiscover metrics"');
    const wrong = await request(app).get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789');
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(wrong.text).not.toContain(TOKEN);
    const right = await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(right.status).toBe(200);
    expect(right.text).toContain('mail_autodiscover_requests_total');
  });

  test('metrics.enabled false › /metrics is an unknown path (404), answers unchanged', async () => {
    const app = exampleApp({ config: (config) => ({ ...config, metrics: { ...config.metrics, enabled: false } }) });
    expect((await request(app).get('/metrics')).status).toBe(404);
    expect((await request(app).get(`${AUTOCONFIG}pop.user%40example.com`)).status).toBe(200);
  });

  test('metrics.port set › not on the service port (the listener on that port serves it)', async () => {
    const app = exampleApp({ config: (config) => ({ ...config, metrics: { ...config.metrics, port: 9464 } }) });
    expect((await request(app).get('/metrics')).status).toBe(404);
  });

  test('labels never carry what a client sent: fifty different addresses and domains add no series', async () => {
    const app = exampleApp({ directory: exampleDirectory() });
    const before = (await scrape(app)).split('\n').length;
    for (let at = 0; at < 50; at++) await request(app).get(`${AUTOCONFIG}user${at}%40domain${at}.example`);
    const after = (await scrape(app)).split('\n').filter((line) => line.startsWith('mail_autodiscover_requests_total'));
    expect(after).toHaveLength(1);
    expect(before).toBeGreaterThan(0);
  });
});
