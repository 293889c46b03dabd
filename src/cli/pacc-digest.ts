import { parseArgs } from 'node:util';
import pino from 'pino';
import { buildProviderProfile } from '../config/provider-profile';
import { loadConfig } from '../config/load';
import { createDirectorySource } from '../directory/create-directory-source';
import { createDiscover, domainTarget } from '../discovery/discover';
import { parseDomainName } from '../model/email-address';
import { PACC_REFUSAL_MESSAGES } from '../protocols/pacc/answers';
import { paccTxtRecord } from '../protocols/pacc/digest';
import { renderPaccDocument } from '../protocols/pacc/render';

const USAGE = `Usage:
  npm run pacc:digest -- example.com
  CONFIG_FILE=config/production.yaml npm run pacc:digest -- example.com
Prints the DNS TXT record _ua-auto-config.<domain> as a zone-file line: the SHA-256 of the exact
bytes https://ua-auto-config.<domain>/.well-known/user-agent-configuration.json serves with this
configuration (CONFIG_FILE, default config/default.json) and its account directory. PACC clients
use the document only when the record matches it, so publish the record again after any change to
the POP access servers or the provider's names.
Exit codes: 0 printed, 1 no document for the domain (not hosted, Business Mail, no server PACC can
describe), an invalid configuration or an unreachable account directory, 2 usage.`;

type Outcome = { readonly code: 0 | 1 | 2; readonly message: string };
const failed = (message: string): Outcome => ({ code: 1, message: `pacc:digest: ${message}` });
const usage = (message: string): Outcome => ({ code: 2, message: `pacc:digest: ${message}\n\n${USAGE}` });

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  let positionals: string[];
  try {
    const parsed = parseArgs({ args, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
    if (parsed.values.help === true) return { code: 0, message: USAGE };
    positionals = parsed.positionals;
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  const [domainText, ...extra] = positionals;
  if (domainText === undefined || extra.length > 0) return usage('give exactly one domain');
  const domain = parseDomainName(domainText);
  if (!domain.ok) return usage(`${JSON.stringify(domainText)} is not a domain name such as "example.com"`);
  const ascii = domain.value.ascii;

  const loaded = loadConfig(env);
  if (!loaded.ok)
    return failed(`the configuration is invalid; fix these:\n${loaded.error.map((line) => `  - ${line}`).join('\n')}`);
  const { config } = loaded.value;
  const source = await createDirectorySource(loaded.value, pino({ level: 'silent' }));
  if (!source.ok)
    return failed(`the account directory cannot be used:\n${source.error.map((l) => `  - ${l}`).join('\n')}`);
  let lookupError: unknown = null;
  try {
    // The same path as a request: directory answer → settings → the renderer the route uses.
    const discover = createDiscover(source.value, buildProviderProfile(config), {
      revealDisplayNames: false,
      onUnexpectedError: (error) => (lookupError = error),
    });
    const discovery = await discover(domainTarget(ascii));
    switch (discovery.status) {
      case 'unavailable': {
        const reason = lookupError instanceof Error ? `: ${lookupError.message}` : '';
        return failed(`${ascii}: the account directory cannot be reached${reason}`);
      }
      case 'not-hosted':
        return failed(`${ascii} is not a domain this service hosts. Publish no _ua-auto-config record for it.`);
      case 'settings': {
        const rendering = renderPaccDocument(discovery.settings, config.provider);
        if (rendering.kind === 'refused')
          return failed(
            `${ascii}: ${PACC_REFUSAL_MESSAGES[rendering.reason]} Publish no _ua-auto-config record for it.`,
          );
        return { code: 0, message: paccTxtRecord(ascii, rendering.body) };
      }
    }
  } finally {
    await source.value.close();
  }
}

void run(process.argv.slice(2), process.env).then((outcome) => {
  (outcome.code === 0 ? process.stdout : process.stderr).write(`${outcome.message}\n`);
  process.exitCode = outcome.code;
});
