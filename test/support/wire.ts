import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { autodiscoverRequestBody } from './hostile';

/** Raw HTTP/1.1 exchanges, for tests that compare answers byte for byte across two servers. */

export interface WireRequest {
  readonly name: string;
  /** The whole request as sent: request line, headers and body. */
  readonly text: string;
}

export function wireRequest(
  name: string,
  method: string,
  path: string,
  body = '',
  headers: readonly string[] = [],
): WireRequest {
  const lines = [
    `${method} ${path} HTTP/1.1`,
    // A request that names its own Host (PACC) sends only that one.
    ...(headers.some((header) => /^host:/i.test(header)) ? [] : ['Host: autodiscover.example.com']),
    // Fixed, so the X-Request-Id each answer echoes is the same on both servers.
    'X-Request-Id: wire-test',
    'Connection: close',
    ...headers,
    ...(method === 'POST' ? [`Content-Length: ${Buffer.byteLength(body)}`] : []),
  ];
  return { name, text: `${lines.join('\r\n')}\r\n\r\n${body}` };
}

/** One request per endpoint and answer kind: settings, errors, 404, a malformed path, HEAD and OPTIONS. */
export const WIRE_REQUESTS: readonly WireRequest[] = [
  wireRequest('healthz', 'GET', '/healthz'),
  wireRequest(
    'POX outlook',
    'POST',
    '/autodiscover/autodiscover.xml',
    autodiscoverRequestBody('pop.user@example.com', 'outlook'),
    ['Content-Type: text/xml'],
  ),
  wireRequest(
    'POX mobilesync',
    'POST',
    '/Autodiscover/Autodiscover.xml',
    autodiscoverRequestBody('business.user@example.com', 'mobilesync'),
  ),
  wireRequest('POX malformed', 'POST', '/autodiscover/autodiscover.xml', '<Autodiscover'),
  wireRequest('POX GET probe', 'GET', '/autodiscover/autodiscover.xml'),
  wireRequest('v2 JSON', 'GET', '/autodiscover/autodiscover.json/v1.0/business.user@example.com?Protocol=ActiveSync'),
  wireRequest(
    'v2 JSON unknown protocol',
    'GET',
    '/autodiscover/autodiscover.json?Email=pop.user%40example.com&Protocol=Nope',
  ),
  wireRequest('autoconfig', 'GET', '/mail/config-v1.1.xml?emailaddress=pop.user%40example.com'),
  wireRequest(
    'autoconfig not hosted',
    'GET',
    '/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=a%40elsewhere.test',
  ),
  wireRequest('mobileconfig', 'GET', '/mobileconfig?emailaddress=business.user%40example.com'),
  wireRequest('HEAD autoconfig', 'HEAD', '/mail/config-v1.1.xml?emailaddress=pop.user%40example.com'),
  wireRequest('OPTIONS', 'OPTIONS', '/autodiscover/autodiscover.xml'),
  wireRequest('404', 'GET', '/nothing-here'),
  wireRequest('malformed path', 'GET', '/mail/%E0%A4%A'),
  wireRequest('POX too large', 'POST', '/autodiscover/autodiscover.xml', 'x'.repeat(64 * 1024)),
];

/** Sends `request` on a new connection and returns every byte answered, the Date header blanked. */
export function exchange(port: number, request: WireRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.end(request.text));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () =>
      resolve(
        Buffer.concat(chunks)
          .toString('latin1')
          .replace(/^Date: .*$/m, 'Date: -'),
      ),
    );
  });
}

export async function listenOnLoopback(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Every request's answer (exchange), each on its own connection to `listener` served on loopback. */
export async function exchangeAll(listener: http.RequestListener, requests: readonly WireRequest[]): Promise<string[]> {
  const server = http.createServer(listener);
  const port = await listenOnLoopback(server);
  const answers: string[] = [];
  try {
    for (const request of requests) answers.push(await exchange(port, request));
  } finally {
    await closeServer(server);
  }
  return answers;
}
