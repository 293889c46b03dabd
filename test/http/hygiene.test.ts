import request from 'supertest';
import { exampleApp } from '../support/app';
import { requestFixture } from '../support/documents';
import { postAutodiscover, type TestResponse } from '../support/http';

const app = exampleApp();

describe('unknown paths', () => {
  test.each(['/nope', '/index.html', '/setup/', '/autodiscover/', '/mail/config-v1.0.xml', '/mobileconfig/extra'])(
    'GET %s › failure: 404 plain text',
    async (path) => {
      const res = await request(app).get(path);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^text\/plain\b/);
      expect(res.text).not.toMatch(/<html|Cannot GET/i);
    },
  );

  test('GET /healthz › success: the known path next to them still answers', async () => {
    expect((await request(app).get('/healthz')).status).toBe(200);
  });
});

describe('no X-Powered-By on any answer', () => {
  const requests: ReadonlyArray<readonly [string, () => Promise<TestResponse>]> = [
    ['POST autodiscover (settings)', () => postAutodiscover(app, requestFixture('outlook-desktop-crlf.xml'))],
    ['POST autodiscover (error 600)', () => postAutodiscover(app, Buffer.alloc(0))],
    ['POST autodiscover (413)', () => postAutodiscover(app, Buffer.alloc(2 * 1024 * 1024, 0x20))],
    [
      'GET autodiscover.json (200)',
      () => request(app).get('/autodiscover/autodiscover.json?Email=pop.user%40example.com&Protocol=AutodiscoverV1'),
    ],
    [
      'GET autodiscover.json (404)',
      () => request(app).get('/autodiscover/autodiscover.json?Email=x%40foreign.test&Protocol=AutodiscoverV1'),
    ],
    ['GET autoconfig (200)', () => request(app).get('/mail/config-v1.1.xml?emailaddress=pop.user%40example.com')],
    ['GET autoconfig (400)', () => request(app).get('/mail/config-v1.1.xml?emailaddress=bad')],
    ['GET mobileconfig (200)', () => request(app).get('/mobileconfig?emailaddress=pop.user%40example.com')],
    ['GET mobileconfig (404)', () => request(app).get('/mobileconfig?emailaddress=x%40foreign.test')],
    ['GET unknown path (404)', () => request(app).get('/nope')],
  ];
  test.each(requests)('%s › no X-Powered-By header', async (_label, send) => {
    const res = await send();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
