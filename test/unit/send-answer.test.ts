import express from 'express';
import request from 'supertest';
import { plainTextAnswer, sendAnswer, type Answer } from '../../src/http/answer';

const sent = (answer: Answer) => {
  const app = express();
  app.get('/', (_req, res) => sendAnswer(res, answer));
  return request(app).get('/');
};

describe('sendAnswer › the one way a discovery answer leaves', () => {
  test('status, content type and body as given; always no-store; no optional header unasked', async () => {
    const res = await sent({ status: 201, contentType: 'text/xml; charset=utf-8', body: '<a/>' });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['retry-after']).toBeUndefined();
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.text).toBe('<a/>');
  });

  test('Retry-After and an attachment; a Buffer body keeps the content type exactly', async () => {
    const res = await sent({
      status: 200,
      contentType: 'application/x-apple-aspen-config',
      body: Buffer.from('profile', 'utf8'),
      retryAfterSeconds: 30,
      attachmentFilename: 'example.com.mobileconfig',
    });
    expect(res.headers['retry-after']).toBe('30');
    expect(res.headers['content-disposition']).toBe('attachment; filename=example.com.mobileconfig');
    expect(res.headers['content-type']).toBe('application/x-apple-aspen-config');
  });

  test('plainTextAnswer › one line, UTF-8 plain text', async () => {
    const res = await sent(plainTextAnswer(404, 'Nothing here.'));
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text).toBe('Nothing here.\n');
  });
});
