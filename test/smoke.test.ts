import request from 'supertest';
import { exampleApp } from './support/app';

test('GET /healthz › ok', async () => {
  const res = await request(exampleApp()).get('/healthz');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: 'ok' });
});
