import { loadConfig } from '../config/load';
import { parseDomainName } from '../model/email-address';
import { isOutcome, parseCommandLine, usageError, type CliCommand } from './command-line';
import { ask, withServiceOnLoopback } from './loopback';
import { listProblems, type Outcome } from './outcome';
import { PACC_DOCUMENT_HOST_PREFIX, PACC_DOCUMENT_PATH, paccTxtRecord } from './pacc-record';

const NAME = 'pacc digest';

const USAGE = `Usage: mail-autodiscover pacc digest <domain> [--url BASE_URL]
  mail-autodiscover pacc digest example.com
  CONFIG_FILE=config/production.yaml mail-autodiscover pacc digest example.com
  mail-autodiscover pacc digest example.com --url http://127.0.0.1:8080
  (from a checkout: npm run pacc:digest -- example.com)
Prints the DNS TXT record _ua-auto-config.<domain> as a zone-file line: the SHA-256 of the exact
bytes https://ua-auto-config.<domain>/.well-known/user-agent-configuration.json serves. Without
--url the service is built in this process from its configuration (CONFIG_FILE, default
config/default.json) and account directory, and asked; with --url the running instance at that
base URL is asked (Host ua-auto-config.<domain>), to check what is deployed. PACC clients use the
document only when the record matches it: publish the record again after any change to the POP
access servers or the provider's names.
Options: --url BASE_URL, -h/--help.
Exit codes: 0 printed, 1 no document for the domain (the service's reason is shown), an invalid
configuration or an unreachable instance, 2 usage.`;

/** The record for a domain, or why there is none (the service's own reason). */
export type PaccRecord =
  { readonly ok: true; readonly record: string } | { readonly ok: false; readonly reason: string };

/** GET the document from an instance as a client on ua-auto-config.<domain> would, and digest its bytes. */
export async function paccRecordFrom(baseUrl: string, domain: string): Promise<PaccRecord> {
  const answer = await ask(baseUrl, { path: PACC_DOCUMENT_PATH, host: `${PACC_DOCUMENT_HOST_PREFIX}${domain}` });
  if (answer.status === 200) return { ok: true, record: paccTxtRecord(domain, answer.body) };
  return { ok: false, reason: `HTTP ${answer.status}: ${answer.body.toString('utf8').trim()}` };
}

async function recordOutcome(baseUrl: string, domain: string): Promise<Outcome> {
  let found: PaccRecord;
  try {
    found = await paccRecordFrom(baseUrl, domain);
  } catch (error) {
    const origin = new URL(baseUrl).origin;
    return {
      code: 1,
      message: `${NAME}: cannot reach ${origin}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (found.ok) return { code: 0, message: found.record };
  return {
    code: 1,
    message: `${NAME}: ${domain}: no PACC document (${found.reason}). Publish no _ua-auto-config record for it.`,
  };
}

export const paccDigestCommand: CliCommand = {
  name: NAME,
  summary: 'the _ua-auto-config TXT record (PACC) of a domain',
  usage: USAGE,
  async run(args, env) {
    const parsed = parseCommandLine(
      this,
      args,
      { url: { type: 'string' } },
      { min: 1, max: 1, what: 'exactly one domain' },
    );
    if (isOutcome(parsed)) return parsed;
    const domainText = parsed.positionals[0] ?? '';
    const domain = parseDomainName(domainText);
    if (!domain.ok) return usageError(this, `${JSON.stringify(domainText)} is not a domain name such as "example.com"`);
    const { url } = parsed.values;
    if (url !== undefined) {
      if (!/^https?:\/\/[^/]/.test(url))
        return usageError(
          this,
          `--url must be an instance's base URL such as "http://127.0.0.1:8080", got ${JSON.stringify(url)}`,
        );
      return recordOutcome(url, domain.value.ascii);
    }
    const loaded = loadConfig(env);
    if (!loaded.ok) return listProblems(NAME, 'the configuration is invalid', loaded.error);
    // The service as main.ts composes it, asked over loopback: the record is of the bytes it serves.
    const outcome = await withServiceOnLoopback(loaded.value, (_service, baseUrl) =>
      recordOutcome(baseUrl, domain.value.ascii),
    );
    return outcome.ok ? outcome.value : listProblems(NAME, 'the service cannot start', outcome.error);
  },
};
