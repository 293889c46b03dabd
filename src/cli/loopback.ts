import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { composeService, type Service } from '../compose';
import type { LoadedConfig } from '../config/load';
import { err, ok, type Result } from '../model/result';

/** An HTTP answer as bytes: what a client got. */
export interface WireAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly location: string | undefined;
  readonly body: Buffer;
}

export interface WireRequest {
  readonly method?: 'GET' | 'POST';
  /** Path and query. */
  readonly path: string;
  /** The Host the client names (autodiscover.<domain>, ua-auto-config.<domain>, …). */
  readonly host: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The service as main.ts composes it (same configuration, directory and cache), listening on a
 * loopback port of its own for the duration of `use`. A CLI asks it over HTTP like a client, because
 * a CLI does not import the protocol modules (test/unit/import-direction.test.ts): the answers it
 * shows are the real renderers' bytes. Connections are marked as TLS, so the answers are those
 * clients get over HTTPS, not the plain-HTTP Autodiscover redirect (docs/protocols.md §3.6).
 */
export async function withServiceOnLoopback<T>(
  loaded: LoadedConfig,
  use: (service: Service, baseUrl: string) => Promise<T>,
): Promise<Result<T, string[]>> {
  const service = await composeService(loaded, pino({ level: 'silent' }));
  if (!service.ok) return service;
  const server = http.createServer(service.value.app);
  server.on('connection', (socket) => Object.assign(socket, { encrypted: true }));
  try {
    await service.value.ready(Math.max(loaded.config.cache.redis.connectTimeoutMs * 2, 3000)).catch(() => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    return ok(await use(service.value, `http://127.0.0.1:${port}`));
  } catch (error) {
    return err([error instanceof Error ? error.message : String(error)]);
  } finally {
    server.close();
    await service.value.close();
  }
}

/** One request to an instance at `baseUrl`, answered as bytes; rejects when it cannot be reached. */
export function ask(baseUrl: string, request: WireRequest): Promise<WireAnswer> {
  const url = new URL(request.path, baseUrl);
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    const req = client.request(
      url,
      {
        method: request.method ?? 'GET',
        headers: {
          host: request.host,
          // Behind a trusted proxy the service reads HTTPS from this header instead of the connection.
          'x-forwarded-proto': 'https',
          ...request.headers,
          ...(body === undefined ? {} : { 'content-length': String(body.length) }),
        },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'] ?? '',
            location: res.headers.location,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}
