/** What an operator reads in each request's log line (README "Observe"): who asked, with what, and how it was answered. */
import request from 'supertest';
import { DirectoryUnavailableError } from '../../src/directory/account-directory';
import { createLogger, MAX_LOGGED_USER_AGENT } from '../../src/http/logger';
import { exampleApp } from '../support/app';
import { failingDirectory } from '../support/http';

type Line = Record<string, unknown> & { req: Record<string, unknown> };

function loggingApp(options: Parameters<typeof exampleApp>[0] = {}) {
  const lines: Line[] = [];
  const logger = createLogger('info', { write: (text: string) => void lines.push(JSON.parse(text) as Line) });
  return { app: exampleApp({ ...options, logger }), lines };
}

const requestLines = (lines: readonly Line[]): Line[] => lines.filter((line) => 'req' in line);
const AUTOCONFIG = '/mail/config-v1.1.xml?emailaddress=pop.user%40example.com';

describe('request log line › fields', () => {
  test('client IP and User-Agent; cache miss, then hit; never the local part or the Authorization header', async () => {
    const { app, lines } = loggingApp();
    const agent = 'Thunderbird/150.0 ' + 'x'.repeat(400);
    for (let time = 0; time < 2; time++)
      await request(app)
        .get(AUTOCONFIG)
        .set('User-Agent', agent)
        .set('Authorization', 'Basic c2VjcmV0OnBhc3N3b3Jk')
        .expect(200);
    const [first, second] = requestLines(lines);
    expect(first?.req).toMatchObject({
      ip: expect.stringMatching(/127\.0\.0\.1$/) as unknown,
      userAgent: agent.slice(0, MAX_LOGGED_USER_AGENT),
    });
    expect(first).toMatchObject({ protocol: 'autoconfig', outcome: 'settings', accessType: 'pop', cache: 'miss' });
    expect(second).toMatchObject({ cache: 'hit' });
    expect(typeof first?.['responseTime']).toBe('number');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('pop.user');
    expect(text).not.toContain('c2VjcmV0');
  });

  test('behind a trusted proxy › the client IP is the one X-Forwarded-For names', async () => {
    const { app, lines } = loggingApp({
      config: (config) => ({ ...config, server: { ...config.server, trustProxy: ['loopback'] } }),
    });
    await request(app).get(AUTOCONFIG).set('X-Forwarded-For', '203.0.113.7').expect(200);
    expect(requestLines(lines)[0]?.req['ip']).toBe('203.0.113.7');
  });

  test('an X-Request-Id that is a sane token is reused; anything else is replaced', async () => {
    const { app, lines } = loggingApp();
    await request(app).get(AUTOCONFIG).set('X-Request-Id', 'edge-1234.abc').expect('X-Request-Id', 'edge-1234.abc');
    const replaced = await request(app).get(AUTOCONFIG).set('X-Request-Id', 'id with spaces');
    const [kept, renewed] = requestLines(lines);
    expect(kept?.req['id']).toBe('edge-1234.abc');
    expect(renewed?.req['id']).toBe(replaced.headers['x-request-id']);
    expect(renewed?.req['id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('the directory away › a designed 503, logged at warn without a stack', async () => {
    const { app, lines } = loggingApp({ directory: failingDirectory(new DirectoryUnavailableError('down')) });
    await request(app).get(AUTOCONFIG).expect(503);
    const [line] = requestLines(lines);
    expect(line).toMatchObject({
      level: 40,
      outcome: 'directory-unavailable',
      cache: 'miss',
      msg: 'request answered: temporarily unavailable',
    });
    expect(line).not.toHaveProperty('err');
  });
});
