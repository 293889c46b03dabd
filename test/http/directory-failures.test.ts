import request from 'supertest';
import { DirectoryUnavailableError } from '../../src/directory/account-directory';
import { exampleApp } from '../support/app';
import { requestFixture } from '../support/documents';
import { autodiscoverErrorCode, expectNoInternals, failingDirectory, postAutodiscover } from '../support/http';

const SECRET = 'db-primary.internal:5432 password=hunter2';

describe.each<[string, Error]>([
  ['DirectoryUnavailableError', new DirectoryUnavailableError(`cannot reach ${SECRET}`)],
  ['plain Error (a bug)', new Error(`unexpected ${SECRET}`)],
])('account directory throws %s', (_label, error) => {
  const app = exampleApp({ directory: failingDirectory(error) });

  test('POST /autodiscover/autodiscover.xml › failure: ErrorCode 603 with HTTP 200, no internals', async () => {
    const res = await postAutodiscover(app, requestFixture('outlook-desktop-crlf.xml'), { 'Content-Type': 'text/xml' });
    expect(res.status).toBe(200);
    expect(autodiscoverErrorCode(res)).toBe('603');
    expectNoInternals(res.text, SECRET);
  });

  test('POST /autodiscover/autodiscover.xml mobilesync › failure: ErrorCode 603', async () => {
    const res = await postAutodiscover(app, requestFixture('activesync-mobilesync-schema.xml'));
    expect(autodiscoverErrorCode(res)).toBe('603');
  });

  test('POST /autodiscover/autodiscover.xml with an invalid body › failure: still 600, the directory is not asked', async () => {
    const res = await postAutodiscover(app, Buffer.alloc(0));
    expect(autodiscoverErrorCode(res)).toBe('600');
  });

  test('GET /autodiscover/autodiscover.json › failure: 503 JSON with Retry-After, no internals', async () => {
    const res = await request(app).get(
      '/autodiscover/autodiscover.json/v1.0/pop.user@example.com?Protocol=AutodiscoverV1',
    );
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.headers['content-type']).toMatch(/^application\/json\b/);
    const body: unknown = JSON.parse(res.text);
    expect(body).toEqual({ ErrorCode: expect.any(String) as unknown, ErrorMessage: expect.any(String) as unknown });
    expectNoInternals(res.text, SECRET);
  });

  test('GET /mail/config-v1.1.xml › failure: 503 plain text with Retry-After, no internals', async () => {
    const res = await request(app).get('/mail/config-v1.1.xml?emailaddress=pop.user%40example.com');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.text).not.toContain('<clientConfig');
    expectNoInternals(res.text, SECRET);
  });

  test('GET /mail/config-v1.1.xml without address (Host lookup) › failure: 503', async () => {
    const res = await request(app).get('/mail/config-v1.1.xml').set('Host', 'autoconfig.example.com');
    expect(res.status).toBe(503);
    expectNoInternals(res.text, SECRET);
  });

  test('GET /mobileconfig › failure: 503 plain text, no profile, no internals', async () => {
    const res = await request(app).get('/mobileconfig?emailaddress=pop.user%40example.com');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/plain\b/);
    expect(res.headers['content-disposition']).toBeUndefined();
    expectNoInternals(res.text, SECRET);
  });
});
