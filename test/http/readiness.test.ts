import request from 'supertest';
import pino from 'pino';
import { composeServiceAround } from '../../src/compose';
import { DirectoryUnavailableError, NOT_HOSTED, type AccountDirectory } from '../../src/directory/account-directory';
import { Readiness } from '../../src/health/readiness';
import { exampleApp, exampleConfig, exampleDirectory } from '../support/app';
import { failingDirectory } from '../support/http';

describe('GET /readyz', () => {
  test('the example directory answers › 200 ready, the in-process cache reported', async () => {
    const res = await request(exampleApp()).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ status: 'ready', directory: 'ok', cache: { kind: 'in-process' } });
  });

  test('the directory is unavailable › 503 not-ready, while /healthz stays 200 (the process is alive)', async () => {
    const app = exampleApp({ directory: failingDirectory(new DirectoryUnavailableError('database down')) });
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'not-ready', directory: 'unavailable', cache: { kind: 'in-process' } });
    expect(res.text).not.toContain('database down');
    expect((await request(app).get('/healthz')).status).toBe(200);
  });

  test('draining after SIGTERM › 503 draining, the directory not asked', async () => {
    const lookup = jest.fn(exampleDirectory().lookup.bind(exampleDirectory()));
    const service = composeServiceAround(
      exampleConfig().config,
      { lookup, close: async () => {} },
      pino({ level: 'silent' }),
    );
    if (!service.ok) throw new Error(service.error.join('\n'));
    expect((await request(service.value.app).get('/readyz')).status).toBe(200);
    const asked = lookup.mock.calls.length;
    service.value.readiness.markDraining();
    const res = await request(service.value.app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'draining', directory: 'not-asked' });
    expect(lookup.mock.calls.length).toBe(asked);
  });
});

describe('Readiness', () => {
  const memory = () => ({ kind: 'in-process' }) as const;

  test('a directory that does not answer › not ready after the probe timeout, never a hang', async () => {
    const hanging: Pick<AccountDirectory, 'lookup'> = { lookup: () => new Promise(() => undefined) };
    const answer = await new Readiness(hanging, memory, 50).check();
    expect(answer).toEqual({ ready: false, report: { status: 'not-ready', directory: 'timeout', cache: memory() } });
  });

  test('checks at the same time share one probe; the next check probes again', async () => {
    const lookup = jest.fn(async () => NOT_HOSTED);
    const readiness = new Readiness({ lookup }, memory);
    const answers = await Promise.all([readiness.check(), readiness.check(), readiness.check()]);
    expect(answers.every(({ ready }) => ready)).toBe(true);
    expect(lookup).toHaveBeenCalledTimes(1);
    await readiness.check();
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  test('the probe asks for a reserved name no directory hosts (.invalid), so it exercises the source without a real domain', async () => {
    const lookup = jest.fn(async () => NOT_HOSTED);
    await new Readiness({ lookup }, memory).check();
    expect(lookup).toHaveBeenCalledWith({ domain: 'readiness-probe.invalid', address: null });
  });

  test('Redis state is reported and never makes the service unready', async () => {
    const readiness = new Readiness({ lookup: async () => NOT_HOSTED }, () => ({
      kind: 'redis',
      state: 'reconnecting',
    }));
    expect(await readiness.check()).toEqual({
      ready: true,
      report: { status: 'ready', directory: 'ok', cache: { kind: 'redis', state: 'reconnecting' } },
    });
  });
});
