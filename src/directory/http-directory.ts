import { z } from 'zod';
import type { HttpDirectoryConfig } from '../config/directory-schema';
import { formatIssues } from '../config/format-issues';
import { parsePlatform } from '../config/platform-schema';
import type { DomainPlatform } from '../model/platform';
import {
  DirectoryDataError,
  DirectoryUnavailableError,
  type AccountDirectory,
  type AccountQuery,
  type DirectoryAnswer,
} from './account-directory';
import { applyDomainDefault, NO_RECORDS, type AccountRecords } from './apply-domain-default';
import { accessType, displayName } from './directory-data';

export type HttpDirectorySettings = Omit<HttpDirectoryConfig, 'type'>;

/**
 * The contract of the account administration's endpoint, one GET a lookup:
 *
 *   GET <urlTemplate>   {domain} = ASCII lower-case domain ("xn--bcher-kva.example"),
 *                       {address} = the lower-case address ("jane.doe@example.com"), empty when only
 *                       the domain is asked; both percent-encoded.
 *   Accept: application/json
 *   Authorization: Bearer <token>      (when directory.bearerToken / DIRECTORY_HTTP_TOKEN is set)
 *
 *   200 {"hosted": true, "defaultAccessType": "pop" | "business",
 *        "account": {"accessType": "pop" | "business", "displayName": "Jane Doe" | null} | null,
 *        "platform": {"name": "hosting02", "businessMail": {...}, "popAccess": {...}} | null}
 *       `account` is the asked mailbox's own entry; null (or absent) when the mailbox has none, so
 *       it gets the domain's default. It is ignored when no address was asked. `platform` is the
 *       domain's own platform (docs/protocols.md §14), null or absent for the provider-wide values;
 *       its keys are checked as the account file's are.
 *   200 {"hosted": false}  or  404 (any body): the domain is not hosted here.
 *
 * Anything else is "directory unavailable" (the client gets a temporary error, the cache may
 * answer): another status, a redirect, a body that is not JSON or not this shape, a body larger
 * than maxResponseBytes, or no complete answer within timeoutMs. Extra keys are ignored.
 */
export const httpDirectoryResponseSchema = z.discriminatedUnion('hosted', [
  z.object({
    hosted: z.literal(true),
    defaultAccessType: accessType,
    account: z.object({ accessType, displayName: displayName.nullable().optional() }).nullable().optional(),
    // Checked by parsePlatform, whose messages name the domain.
    platform: z.unknown().optional(),
  }),
  z.object({ hosted: z.literal(false) }),
]);

export class HttpDirectory implements AccountDirectory {
  private readonly headers: Record<string, string>;

  constructor(private readonly settings: HttpDirectorySettings) {
    this.headers = { accept: 'application/json', 'user-agent': 'mail-autodiscover' };
    if (settings.bearerToken !== undefined) this.headers['authorization'] = `Bearer ${settings.bearerToken}`;
  }

  async lookup(query: AccountQuery): Promise<DirectoryAnswer> {
    return applyDomainDefault(query, await this.find(query));
  }

  /** The records the endpoint holds for the query; throws DirectoryUnavailableError when it cannot tell. */
  async find(query: AccountQuery): Promise<AccountRecords> {
    const url = this.settings.urlTemplate
      .replaceAll('{domain}', encodeURIComponent(query.domain))
      .replaceAll('{address}', encodeURIComponent(query.address ?? ''));
    // The address is personal data: messages name only the host.
    const where = `HTTP directory at ${new URL(url).host}`;
    let body: unknown;
    try {
      const response = await fetch(url, {
        headers: this.headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      if (response.status === 404) {
        await response.body?.cancel();
        return NO_RECORDS;
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new DirectoryUnavailableError(`${where} answered HTTP ${response.status}; expected 200 or 404`);
      }
      body = parseJson(await readCapped(response, this.settings.maxResponseBytes, where), where);
    } catch (error) {
      if (error instanceof DirectoryUnavailableError) throw error;
      throw new DirectoryUnavailableError(`${where} ${reasonOf(error, this.settings.timeoutMs)}`, { cause: error });
    }
    const parsed = httpDirectoryResponseSchema.safeParse(body);
    if (!parsed.success) {
      throw new DirectoryUnavailableError(
        `${where} answered an unexpected shape: ${formatIssues('response', parsed.error.issues).join('; ')}`,
      );
    }
    if (!parsed.data.hosted) return NO_RECORDS;
    const { defaultAccessType, account, platform } = parsed.data;
    return {
      domain:
        platform === undefined || platform === null
          ? { defaultAccessType }
          : { defaultAccessType, platform: platformOf(where, query.domain, platform) },
      account: account == null ? null : { accessType: account.accessType, displayName: account.displayName ?? null },
    };
  }

  async close(): Promise<void> {}
}

/** The answer's platform, checked; one the checks refuse makes the answer unusable (a temporary error). */
function platformOf(where: string, domain: string, value: unknown): DomainPlatform {
  const platform = parsePlatform(`${where} answered a platform`, domain, value);
  if (!platform.ok) throw new DirectoryDataError(platform.error.join('; '));
  return platform.value;
}

/** The body as text, refusing it (and dropping the connection) once it passes `maxBytes`. */
async function readCapped(response: Response, maxBytes: number, where: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const tooLarge = (): DirectoryUnavailableError =>
    new DirectoryUnavailableError(`${where} answered more than ${maxBytes} bytes (directory.maxResponseBytes)`);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (response.body === null) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DirectoryUnavailableError(`${where} answered a body that is not JSON`);
  }
}

/** Why the request failed. Duck-typed: fetch's errors may come from another realm (test runners). */
function reasonOf(error: unknown, timeoutMs: number): string {
  const name = stringProperty(error, 'name');
  if (name === 'TimeoutError' || name === 'AbortError') return `did not answer within ${timeoutMs} ms`;
  const cause: unknown = typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined;
  return `cannot be reached (${stringProperty(cause, 'code') ?? stringProperty(cause, 'message') ?? stringProperty(error, 'message') ?? String(error)})`;
}

function stringProperty(value: unknown, key: 'name' | 'code' | 'message'): string | undefined {
  const property = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof property === 'string' && property !== '' ? property : undefined;
}
