/**
 * End-to-end answers per second for each endpoint, through the whole Express stack on loopback,
 * with the example config (file directory, in-process cache, rate limit off). Bounded: a fixed
 * duration per endpoint. Run with `npm run bench`.
 */
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import pino from 'pino';
import { composeService } from '../src/compose';
import { loadConfig } from '../src/config/load';

const DURATION_SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const CONNECTIONS = 16;

const outlookRequest = (address: string, schema: 'outlook' | 'mobilesync'): string =>
  `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/${schema}/requestschema/2006"><Request><EMailAddress>${address}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/${schema}/responseschema/${schema === 'outlook' ? '2006a' : '2006'}</AcceptableResponseSchema></Request></Autodiscover>`;

const cases: ReadonlyArray<{ name: string; method: 'GET' | 'POST'; path: string; body?: string }> = [
  {
    name: 'POX outlook, POP access',
    method: 'POST',
    path: '/autodiscover/autodiscover.xml',
    body: outlookRequest('pop.user@example.com', 'outlook'),
  },
  {
    name: 'POX outlook, Business Mail',
    method: 'POST',
    path: '/autodiscover/autodiscover.xml',
    body: outlookRequest('business.user@example.com', 'outlook'),
  },
  {
    name: 'POX mobilesync, Business Mail',
    method: 'POST',
    path: '/autodiscover/autodiscover.xml',
    body: outlookRequest('business.user@example.com', 'mobilesync'),
  },
  {
    name: 'v2 JSON ActiveSync',
    method: 'GET',
    path: '/autodiscover/autodiscover.json/v1.0/business.user@example.com?Protocol=ActiveSync',
  },
  { name: 'autoconfig, POP access', method: 'GET', path: '/mail/config-v1.1.xml?emailaddress=pop.user%40example.com' },
  {
    name: 'mobileconfig, Business Mail',
    method: 'GET',
    path: '/mobileconfig?emailaddress=business.user%40example.com',
  },
];

export async function benchHttp(): Promise<void> {
  const loaded = loadConfig({ LOG_LEVEL: 'silent' });
  if (!loaded.ok) throw new Error(loaded.error.join('\n'));
  const config = { ...loaded.value.config, rateLimit: { ...loaded.value.config.rateLimit, enabled: false } };
  const service = await composeService({ ...loaded.value, config }, pino({ level: 'silent' }));
  if (!service.ok) throw new Error(service.error.join('\n'));
  const server = service.value.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;

  console.log(`\nHTTP end to end (autocannon, ${CONNECTIONS} connections, ${DURATION_SECONDS}s each, cached lookups)`);
  console.log('| endpoint | req/s (mean) | p50 ms | p99 ms | non-2xx |');
  console.log('|---|---:|---:|---:|---:|');
  try {
    for (const { name, method, path, body } of cases) {
      const result = await autocannon({
        url: `http://127.0.0.1:${port}${path}`,
        method,
        ...(body === undefined ? {} : { body, headers: { 'content-type': 'text/xml; charset=utf-8' } }),
        connections: CONNECTIONS,
        duration: DURATION_SECONDS,
      });
      console.log(
        `| ${name} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx} |`,
      );
    }
  } finally {
    server.close();
    await service.value.close();
  }
}

if (require.main === module) {
  void benchHttp();
}
