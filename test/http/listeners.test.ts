/**
 * createListeners: Node's own request and response classes by default (the fast lane runs on them),
 * and on request the app's Express prototypes at birth (src/http/listeners.ts): the handler sees
 * them, and no byte of any answer changes either way.
 */
import { rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import express, { type Request, type Response } from 'express';
import type { AppConfig } from '../../src/config/schema';
import { createListeners, readTlsFiles } from '../../src/http/listeners';
import { exampleApp, exampleConfig } from '../support/app';
import { writeSelfSignedTlsFiles } from '../support/tls';
import { closeServer, exchange, listenOnLoopback, WIRE_REQUESTS } from '../support/wire';

describe('createListeners: Express prototypes at birth', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await writeSelfSignedTlsFiles();
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  test('HTTP and HTTPS › the handler gets req/res whose prototypes are app.request/app.response', async () => {
    const base = exampleConfig().config;
    const config: AppConfig = {
      ...base,
      server: { ...base.server, https: { port: 0, certFile: 'cert.pem', keyFile: 'key.pem', rescanSeconds: 60 } },
    };
    const tls = readTlsFiles(config, folder);
    if (tls === null || Array.isArray(tls)) throw new Error(`TLS files not read: ${String(tls)}`);
    const app = express();
    const seen: string[] = [];
    app.get('/probe', (req: Request, res: Response) => {
      seen.push(
        `${String(Object.getPrototypeOf(req) === app.request)},${String(Object.getPrototypeOf(res) === app.response)}`,
      );
      res.send('ok');
    });
    const listeners = createListeners(app, config, tls, { expressPrototypesAtBirth: true });
    const [plain, secure] = await Promise.all(listeners.map(({ server }) => listenOnLoopback(server)));
    try {
      // The prototypes are in place before Express's handler runs, not only after it.
      const bornReq = await new Promise<boolean>((resolve) => {
        listeners[0]?.server.prependOnceListener('request', (req) =>
          resolve(Object.getPrototypeOf(req) === app.request),
        );
        void fetch(`http://127.0.0.1:${String(plain)}/probe`).then((res) => res.text());
      });
      expect(bornReq).toBe(true);
      const secureBody = await new Promise<string>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port: secure, path: '/probe', rejectUnauthorized: false }, (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => resolve(body));
          })
          .on('error', reject);
      });
      expect(secureBody).toBe('ok');
      expect(seen).toEqual(['true,true', 'true,true']);
    } finally {
      await Promise.all(listeners.map(({ server }) => closeServer(server)));
    }
  });

  test('by default › requests and responses are born of Node’s own classes', async () => {
    const { config } = exampleConfig();
    const [listener] = createListeners(express(), config, null);
    if (listener === undefined) throw new Error('no listener');
    const port = await listenOnLoopback(listener.server);
    try {
      const born = await new Promise<string>((resolve) => {
        listener.server.prependOnceListener('request', (req: http.IncomingMessage, res: http.ServerResponse) =>
          resolve(
            `${String(Object.getPrototypeOf(req) === http.IncomingMessage.prototype)},${String(Object.getPrototypeOf(res) === http.ServerResponse.prototype)}`,
          ),
        );
        void fetch(`http://127.0.0.1:${String(port)}/`).then((res) => res.text());
      });
      expect(born).toBe('true,true');
    } finally {
      await closeServer(listener.server);
    }
  });

  test('every kind of answer › byte-identical with and without (expressPrototypesAtBirth: true)', async () => {
    const { config } = exampleConfig();
    const app = exampleApp();
    const [born] = createListeners(app, config, null, { expressPrototypesAtBirth: true });
    const [plain] = createListeners(app, config, null);
    if (born === undefined || plain === undefined) throw new Error('no listener');
    const bornPort = await listenOnLoopback(born.server);
    const plainPort = await listenOnLoopback(plain.server);
    try {
      for (const request of WIRE_REQUESTS) {
        const expected = await exchange(plainPort, request);
        expect(expected).toMatch(/^HTTP\/1\.1 \d{3} /);
        expect({ name: request.name, answer: await exchange(bornPort, request) }).toEqual({
          name: request.name,
          answer: expected,
        });
      }
    } finally {
      await Promise.all([closeServer(born.server), closeServer(plain.server)]);
    }
  });
});
