/**
 * The ExpressBridge (src/http/express-bridge.ts) answers as Express's own req.secure does, and keeps
 * Node's plain objects where no trusted proxy is involved.
 */
import http from 'node:http';
import express from 'express';
import { expressBridgeOf } from '../../src/http/express-bridge';
import { closeServer, listenOnLoopback } from '../support/wire';

/** What bridge.secure said for one plain-HTTP request from 127.0.0.1, and whether the request stayed Node's own. */
async function secureOf(
  trustProxy: boolean,
  headers: Record<string, string> = {},
): Promise<{ secure: boolean; plain: boolean }> {
  const app = express();
  app.set('trust proxy', trustProxy);
  const bridge = expressBridgeOf(app);
  let seen: { secure: boolean; plain: boolean } | undefined;
  const server = http.createServer((req, res) => {
    const secure = bridge.secure(req, res);
    seen = { secure, plain: Object.getPrototypeOf(req) === http.IncomingMessage.prototype };
    res.end();
  });
  const port = await listenOnLoopback(server);
  try {
    await (await fetch(`http://127.0.0.1:${String(port)}/`, { headers })).text();
  } finally {
    await closeServer(server);
  }
  if (seen === undefined) throw new Error('no request seen');
  return seen;
}

describe('ExpressBridge.secure', () => {
  test('plain HTTP, no trusted proxy › not secure, and the objects stay Node’s own', async () => {
    expect(await secureOf(false, { 'X-Forwarded-Proto': 'https' })).toEqual({ secure: false, plain: true });
  });

  test('plain HTTP from a trusted proxy › its X-Forwarded-Proto decides, as Express’s req.secure', async () => {
    expect((await secureOf(true, { 'X-Forwarded-Proto': 'https' })).secure).toBe(true);
    expect((await secureOf(true, { 'X-Forwarded-Proto': 'http' })).secure).toBe(false);
    expect((await secureOf(true)).secure).toBe(false);
  });
});
