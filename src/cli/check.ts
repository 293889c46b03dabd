import { relative } from 'node:path';
import { redisConfigured } from '../config/cache-schema';
import { loadConfig, type LoadedConfig } from '../config/load';
import { redactUrlPassword } from '../config/redact-config';
import { describeRedisTarget } from '../cache/redis-client';
import type { CacheResult } from '../cache/cached-directory';
import type { DirectoryAnswer } from '../directory/account-directory';
import { ADDRESS_ERROR_MESSAGES, parseEmailAddress } from '../model/email-address';
import { overriddenValues } from '../model/platform';
import {
  profilePlist,
  summarizeAppleProfile,
  summarizeAutoconfig,
  summarizeJson,
  summarizePacc,
  summarizePox,
} from './answer-summary';
import { isOutcome, parseCommandLine, usageError, type CliCommand } from './command-line';
import { discoveryRequests, type ClientFamily } from './discovery-requests';
import { ask, withServiceOnLoopback, type WireAnswer } from './loopback';
import { listProblems, type Outcome } from './outcome';

const NAME = 'check';

const USAGE = `Usage: mail-autodiscover check <address> [--full] [--json]
  mail-autodiscover check jane@example.com
  mail-autodiscover check jane@example.com --full
  CONFIG_FILE=config/production.yaml mail-autodiscover check jane@example.com --json
  (from a checkout: npm run cli -- check jane@example.com)
Shows what an address gets: its access type, where the answer came from (the directory of the
configuration, CONFIG_FILE, and the cache: hit, miss or stale), whether the directory knows the
mailbox or the domain's default applied, and what each client family receives. The service is built
in this process from the same configuration as the server and asked over loopback as each client
asks (over HTTPS, as far as the service can tell), so the answers are the real ones.
Options: --full also prints every answer as sent; --json prints it all as JSON; -h/--help.
Exit codes: 0 checked (a domain that is not hosted included), 1 an invalid configuration or the
directory cannot answer, 2 usage.`;

const FAMILY_LABELS: Readonly<Record<ClientFamily, string>> = {
  'outlook-pox': 'Outlook POX',
  'autodiscover-json-AutodiscoverV1': 'v2 JSON AutodiscoverV1',
  'autodiscover-json-ActiveSync': 'v2 JSON ActiveSync',
  'autodiscover-json-Ews': 'v2 JSON Ews',
  autoconfig: 'Thunderbird autoconfig',
  'apple-ios': 'Apple profile, iOS',
  'apple-macos': 'Apple profile, macOS',
  pacc: 'PACC',
};

function summarizeAs(family: ClientFamily, answer: WireAnswer): string {
  if (family === 'outlook-pox') return summarizePox(answer);
  if (family === 'autoconfig') return summarizeAutoconfig(answer);
  if (family === 'pacc') return summarizePacc(answer);
  if (family.startsWith('apple-')) return summarizeAppleProfile(answer);
  return summarizeJson(answer);
}

/** An answer that does not read as its family's format is itself the finding, not a failure of check. */
function summarize(family: ClientFamily, answer: WireAnswer): string {
  try {
    return summarizeAs(family, answer);
  } catch (error) {
    return `HTTP ${answer.status} ${answer.contentType}, not readable: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function readableProfile(body: Buffer): ReturnType<typeof profilePlist> | null {
  try {
    return profilePlist(body);
  } catch {
    return null;
  }
}

interface FamilyReport {
  readonly family: ClientFamily;
  readonly status: number;
  readonly contentType: string;
  readonly summary: string;
  /** With --full: the answer as sent (an Apple profile's plist, when signed the one the signature wraps). */
  readonly body?: string;
  readonly signed?: boolean;
}

interface CheckReport {
  readonly address: string;
  readonly hosted: boolean;
  readonly accessType: 'pop' | 'business' | null;
  /** known: the directory has the mailbox; unknown: the domain's default applied. */
  readonly mailbox: 'known' | 'unknown' | null;
  /** The domain's own platform (docs/protocols.md §14): its name and the values it overrides; null: provider-wide. */
  readonly platform: { readonly name: string; readonly overrides: Readonly<Record<string, unknown>> } | null;
  readonly directory: string;
  readonly cache: { readonly kind: string; readonly result: CacheResult };
  readonly answers: readonly FamilyReport[];
}

/** The directory in words, secrets left out: what an operator needs to find the record. */
function describeDirectory(loaded: LoadedConfig): string {
  const { directory } = loaded.config;
  switch (directory.type) {
    case 'file':
      return `file ${relative(process.cwd(), loaded.accountsFile ?? directory.file) || directory.file}`;
    case 'postgres':
      return `postgres ${redactUrlPassword(directory.url)} (schema "${directory.schema}")`;
    case 'http':
      return `http ${redactUrlPassword(directory.urlTemplate)}`;
  }
}

function describeCache(loaded: LoadedConfig): string {
  const { redis } = loaded.config.cache;
  return redisConfigured(redis) ? `Redis ${redactUrlPassword(describeRedisTarget(redis))}` : 'in-process';
}

const ACCESS_TYPE_NAMES = { pop: 'POP access', business: 'Business Mail' } as const;

function describeAnswer(answer: DirectoryAnswer): string {
  if (!answer.hosted) return 'none: the domain is not hosted here (clients get "not found")';
  const whose =
    answer.mailbox === 'known'
      ? "the mailbox's own (the directory knows it)"
      : "the domain's default (the directory does not know the mailbox)";
  return `${ACCESS_TYPE_NAMES[answer.accessType]}, ${whose}`;
}

/** Only for a domain on a platform of its own: its name, then each overridden value (JSON). */
function platformLines(platform: CheckReport['platform']): string[] {
  if (platform === null) return [];
  return [
    `  platform:    ${platform.name}, the domain's own; what it sets instead of the provider-wide values:`,
    ...Object.entries(platform.overrides).map(([key, value]) => `    ${key} = ${JSON.stringify(value)}`),
  ];
}

function renderText(report: CheckReport, answer: DirectoryAnswer, full: boolean): string {
  const width = Math.max(...report.answers.map((a) => FAMILY_LABELS[a.family].length));
  const lines = [
    report.address,
    `  access type: ${describeAnswer(answer)}`,
    ...platformLines(report.platform),
    `  answered by: ${report.directory} directory, ${report.cache.kind} cache (${report.cache.result})`,
    ...report.answers.map((a) => `  ${FAMILY_LABELS[a.family].padEnd(width)}  ${a.summary}`),
  ];
  if (full) {
    for (const a of report.answers) {
      const signed = a.signed === true ? ', CMS-signed; the profile it signs:' : '';
      lines.push('', `--- ${FAMILY_LABELS[a.family]}: HTTP ${a.status} ${a.contentType}${signed}`, a.body ?? '');
    }
  }
  return lines.join('\n');
}

export const checkCommand: CliCommand = {
  name: NAME,
  summary: 'what an address gets: access type, source, and each client family’s answer',
  usage: USAGE,
  async run(args, env): Promise<Outcome> {
    const parsed = parseCommandLine(
      this,
      args,
      { full: { type: 'boolean' }, json: { type: 'boolean' } },
      { min: 1, max: 1, what: 'exactly one e-mail address' },
    );
    if (isOutcome(parsed)) return parsed;
    const addressText = parsed.positionals[0] ?? '';
    const address = parseEmailAddress(addressText);
    if (!address.ok)
      return usageError(this, `${JSON.stringify(addressText)}: ${ADDRESS_ERROR_MESSAGES[address.error]}`);
    const full = parsed.values.full === true;
    const loaded = loadConfig(env);
    if (!loaded.ok) return listProblems(NAME, 'the configuration is invalid', loaded.error);

    const checked = await withServiceOnLoopback(loaded.value, async (service, baseUrl) => {
      // Asked first, so the cache result is the one the next client would meet.
      const reported = await service.directory.lookupReportingCache({
        domain: address.value.domain,
        address: address.value.lookupKey,
      });
      const answers: FamilyReport[] = [];
      for (const [family, request] of discoveryRequests(address.value.address, address.value.domain)) {
        const answer = await ask(baseUrl, request);
        const raw = family.startsWith('apple-') && answer.status === 200 ? readableProfile(answer.body) : null;
        answers.push({
          family,
          status: answer.status,
          contentType: answer.contentType,
          summary: summarize(family, answer),
          ...(full ? { body: raw?.plist ?? answer.body.toString('utf8') } : {}),
          ...(raw === null ? {} : { signed: raw.signed }),
        });
      }
      return { reported, answers };
    });
    if (!checked.ok) return { code: 1, message: `${NAME}: ${checked.error.join('\n')}` };
    const { reported, answers } = checked.value;
    const directoryAnswer = reported.answer;
    const report: CheckReport = {
      address: address.value.address,
      hosted: directoryAnswer.hosted,
      accessType: directoryAnswer.hosted ? directoryAnswer.accessType : null,
      mailbox: directoryAnswer.hosted ? (directoryAnswer.mailbox === 'known' ? 'known' : 'unknown') : null,
      platform:
        directoryAnswer.hosted && directoryAnswer.platform !== undefined
          ? {
              name: directoryAnswer.platform.name,
              overrides: Object.fromEntries(overriddenValues(directoryAnswer.platform)),
            }
          : null,
      directory: describeDirectory(loaded.value),
      cache: { kind: describeCache(loaded.value), result: reported.cache },
      answers,
    };
    return {
      code: 0,
      message:
        parsed.values.json === true ? JSON.stringify(report, null, 2) : renderText(report, directoryAnswer, full),
    };
  },
};
