import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { composeService } from '../compose';
import { loadConfig } from '../config/load';
import { parseDomainName } from '../model/email-address';
import { PACC_DOCUMENT_HOST_PREFIX, PACC_DOCUMENT_PATH, paccTxtRecord } from './pacc-record';

const USAGE = `Usage:
  npm run pacc:digest -- example.com
  CONFIG_FILE=config/production.yaml npm run pacc:digest -- example.com
  npm run pacc:digest -- example.com --url http://127.0.0.1:8080
Prints the DNS TXT record _ua-auto-config.<domain> as a zone-file line: the SHA-256 of the exact
bytes https://ua-auto-config.<domain>/.well-known/user-agent-configuration.json serves. Without
--url the service is built in this process from its configuration (CONFIG_FILE, default
config/default.json) and account directory, and asked; with --url the running instance at that
base URL is asked (Host ua-auto-config.<domain>), to check what is deployed. PACC clients use the
document only when the record matches it: publish the record again after any change to the POP
access servers or the provider's names.
Exit codes: 0 printed, 1 no document for the domain (the service's reason is shown), an invalid
configuration or an unreachable instance, 2 usage.`;

type Outcome = { readonly code: 0 | 1 | 2; readonly message: string };
const failed = (message: string): Outcome => ({ code: 1, message: `pacc:digest: ${message}` });
const usage = (message: string): Outcome => ({ code: 2, message: `pacc:digest: ${message}\n\n${USAGE}` });

interface Command {
  /** ASCII form of the domain. */
  readonly domain: string;
  readonly url: string | undefined;
}

function parseCommand(args: string[]): Command | Outcome {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { url: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  if (parsed.values.help === true) return { code: 0, message: USAGE };
  const [domainText, ...extra] = parsed.positionals;
  if (domainText === undefined || extra.length > 0) return usage('give exactly one domain');
  const domain = parseDomainName(domainText);
  if (!domain.ok) return usage(`${JSON.stringify(domainText)} is not a domain name such as "example.com"`);
  const { url } = parsed.values;
  if (url !== undefined && !/^https?:\/\/[^/]/.test(url))
    return usage(`--url must be an instance's base URL such as "http://127.0.0.1:8080", got ${JSON.stringify(url)}`);
  return { domain: domain.value.ascii, url };
}

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  const command = parseCommand(args);
  if ('code' in command) return command;
  if (command.url !== undefined) return recordFrom(command.url, command.domain);
  const loaded = loadConfig(env);
  if (!loaded.ok)
    return failed(`the configuration is invalid; fix these:\n${loaded.error.map((line) => `  - ${line}`).join('\n')}`);
  // The service as main.ts composes it, asked over loopback: the record is of the bytes it serves.
  const service = await composeService(loaded.value, pino({ level: 'silent' }));
  if (!service.ok)
    return failed(`the service cannot start; fix these:\n${service.error.map((line) => `  - ${line}`).join('\n')}`);
  const server = http.createServer(service.value.app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    return await recordFrom(`http://127.0.0.1:${port}`, command.domain);
  } finally {
    server.close();
    await service.value.close();
  }
}

/** GET the document from an instance as a client on ua-auto-config.<domain> would, and digest its bytes. */
async function recordFrom(baseUrl: string, domain: string): Promise<Outcome> {
  const url = new URL(PACC_DOCUMENT_PATH, baseUrl);
  let answer: { status: number; body: Buffer };
  try {
    answer = await get(url, `${PACC_DOCUMENT_HOST_PREFIX}${domain}`);
  } catch (error) {
    return failed(`cannot reach ${url.origin}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (answer.status === 200) return { code: 0, message: paccTxtRecord(domain, answer.body) };
  const reason = answer.body.toString('utf8').trim();
  return failed(
    `${domain}: no PACC document (HTTP ${answer.status}: ${reason}). Publish no _ua-auto-config record for it.`,
  );
}

function get(url: URL, host: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.get(url, { headers: { host }, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
  });
}

void run(process.argv.slice(2), process.env).then((outcome) => {
  (outcome.code === 0 ? process.stdout : process.stderr).write(`${outcome.message}\n`);
  process.exitCode = outcome.code;
});
