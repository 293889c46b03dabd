import { XMLParser } from 'fast-xml-parser';
import { summarizeAutoconfig, summarizeJson, summarizePacc, summarizePox } from './answer-summary';
import { POX_PATH } from './discovery-requests';
import { ask, type WireAnswer, type WireRequest } from './loopback';
import type { CheckRow } from './selfcheck-report';
import type { AnswerKind, PlannedRequest } from './selfcheck-requests';
import { fetchLive, type Network, type TlsSeen } from './selfcheck-network';

/**
 * One planned request, sent to the deployed service and to the service built in this process from
 * the same configuration, and judged (docs/protocols.md §2.5): the answers must be the same bytes,
 * over a certificate the client accepts.
 */
export interface EvaluationContext {
  readonly network: Network;
  /** The in-process service over loopback, as over HTTPS. */
  readonly httpsBaseUrl: string;
  /** The same service over loopback as plain HTTP, for the port-80 requests. */
  readonly plainBaseUrl: string;
  /** The host of autodiscover.publicUrl, for the fixes. */
  readonly serviceHost: string;
}

export interface Evaluation {
  readonly row: CheckRow;
  /** The certificates seen on the way, where they count (the host answers as the service, or must). */
  readonly certificates: readonly TlsSeen[];
  /** The deployed answer, when one came. */
  readonly live: WireAnswer | null;
}

const xml = new XMLParser({ processEntities: false, removeNSPrefix: true, parseTagValue: false });

function summary(kind: AnswerKind, answer: WireAnswer): string {
  try {
    if (kind === 'pox') return summarizePox(answer);
    if (kind === 'autoconfig') return summarizeAutoconfig(answer);
    if (kind === 'pacc') return summarizePacc(answer);
    return `HTTP ${answer.status}: ${summarizeJson(answer)}`;
  } catch {
    return `HTTP ${answer.status} ${answer.contentType || '(no content type)'}, ${answer.body.length} bytes`;
  }
}

/** Whether an answer is a document of the kind a client asked for (whoever wrote it). */
export function readsAs(kind: AnswerKind, answer: WireAnswer): boolean {
  if (answer.status !== 200) return false;
  try {
    const text = answer.body.toString('utf8');
    if (kind === 'pox' || kind === 'autoconfig') {
      const parsed = xml.parse(text) as Record<string, unknown>;
      return (kind === 'pox' ? 'Autodiscover' : 'clientConfig') in parsed;
    }
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && (kind === 'pacc' ? 'protocols' in parsed : 'Url' in parsed);
  } catch {
    return false;
  }
}

export const sameAnswer = (a: WireAnswer, b: WireAnswer): boolean =>
  a.status === b.status && a.contentType === b.contentType && a.location === b.location && a.body.equals(b.body);

const isRedirect = (answer: WireAnswer): boolean =>
  answer.status >= 300 && answer.status < 400 && answer.location !== undefined;

export function certificateFix(host: string): string {
  return (
    `serve a certificate naming ${host}: behind Caddy its on-demand ask must allow the name (README "Behind Caddy"); ` +
    `with direct HTTPS add its pair to server.https.certificateDirectory`
  );
}

const tlsProblem = (seen: TlsSeen | null): string | null =>
  seen === null
    ? null
    : (seen.nameProblem ?? (seen.chainProblem === null ? null : `not trusted: ${seen.chainProblem}`));

function unreachedFix(stage: 'dns' | 'connect' | 'tls' | 'http', url: URL, serviceHost: string): string {
  const host = url.hostname;
  if (stage === 'dns')
    return `make ${host} resolve: publish the records of the DNS section (they lead to ${serviceHost})`;
  if (stage === 'tls') return certificateFix(host);
  if (stage === 'http') return `read the service's log for this request to ${host}`;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${host} must lead to the service: check its DNS record, and that the service (or its proxy) answers on port ${port}`;
}

function differsFix(url: URL, serviceHost: string): string {
  return (
    `what answers ${url.host} is not this service with this configuration: point it at ${serviceHost} ` +
    `(DNS section), or deploy the configuration this check read (CONFIG_FILE) and this version`
  );
}

function row(planned: PlannedRequest, status: CheckRow['status'], detail: string, fix?: string): CheckRow {
  return {
    section: planned.kind === 'pacc' ? 'pacc' : 'request',
    check: `${planned.method} ${planned.url}`,
    status,
    detail,
    askedBy: planned.askedBy,
    ...(fix === undefined ? {} : { fix }),
  };
}

function wireRequest(planned: PlannedRequest, url: URL, secure: boolean): WireRequest {
  return {
    method: planned.method,
    path: `${url.pathname}${url.search}`,
    host: url.host,
    ...(planned.body === undefined ? {} : { body: planned.body }),
    // The loopback ask says HTTPS unless told: port-80 requests say HTTP, as a proxy would.
    headers: { ...planned.headers, ...(secure ? {} : { 'x-forwarded-proto': 'http' }) },
  };
}

/** The POX request a client sends after a plain-HTTP redirect, to the Location (an HTTPS Autodiscover URL). */
function afterRedirect(planned: PlannedRequest, body: string, location: string): PlannedRequest | null {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || !url.pathname.toLowerCase().endsWith(POX_PATH)) return null;
  return {
    method: 'POST',
    url: url.href,
    kind: 'pox',
    role: 'required',
    askedBy: planned.askedBy,
    body,
    headers: { 'content-type': 'text/xml; charset=utf-8' },
  };
}

export async function evaluate(context: EvaluationContext, planned: PlannedRequest): Promise<Evaluation> {
  const url = new URL(planned.url);
  const secure = url.protocol === 'https:';
  const request = wireRequest(planned, url, secure);
  const [expected, result] = await Promise.all([
    ask(secure ? context.httpsBaseUrl : context.plainBaseUrl, request),
    fetchLive(context.network, {
      method: planned.method,
      url,
      ...(planned.body === undefined ? {} : { body: planned.body }),
      ...(planned.headers === undefined ? {} : { headers: planned.headers }),
    }),
  ]);
  const none = { certificates: [], live: null };
  if (planned.role === 'mx' && expected.status !== 200)
    return {
      ...none,
      row: row(
        planned,
        'skip',
        `this service has no answer for ${url.host} (HTTP ${expected.status}; not one of provider.autoconfigDomains): the MX step leads elsewhere`,
      ),
    };
  if (planned.redirect?.expect === 'probe' && !isRedirect(expected))
    return {
      ...none,
      row: row(
        planned,
        'skip',
        'this service does not redirect plain HTTP (server.redirectPlainHttpAutodiscover is off): Outlook goes on to SRV',
      ),
    };
  if (!result.ok) {
    if (planned.role === 'optional')
      return { ...none, row: row(planned, 'skip', `not answered (${result.problem}): clients go on to the next URL`) };
    return { ...none, row: row(planned, 'fail', result.problem, unreachedFix(result.stage, url, context.serviceHost)) };
  }
  const live = result.answer;
  const same = sameAnswer(live, expected);
  const problem = tlsProblem(result.tls);
  const certificates = result.tls !== null && (same || planned.role !== 'optional') ? [result.tls] : [];
  if (same && isRedirect(expected) && planned.redirect !== undefined) {
    const next = afterRedirect(planned, planned.redirect.body, expected.location ?? '');
    if (next === null)
      return {
        certificates,
        live,
        row: row(planned, 'fail', `redirected to ${expected.location ?? ''}, not an HTTPS Autodiscover URL`),
      };
    const followed = await evaluate(context, next);
    return {
      certificates: [...certificates, ...followed.certificates],
      live: followed.live,
      row: {
        ...followed.row,
        check: row(planned, 'pass', '').check,
        detail: `HTTP ${live.status} to ${expected.location ?? ''}, then: ${followed.row.detail}`,
      },
    };
  }
  const judged = (status: CheckRow['status'], detail: string, fix?: string): Evaluation => ({
    certificates,
    live,
    row: row(planned, status, detail, fix),
  });
  if (same) {
    if (problem !== null)
      return judged(
        'fail',
        `the answer is this service's, but a client refuses the certificate: ${problem}`,
        certificateFix(url.hostname),
      );
    return judged('pass', summary(planned.kind, live));
  }
  const seen = `${summary(planned.kind, live)}${live.location === undefined ? '' : ` (Location ${live.location})`}`;
  if (planned.role !== 'optional')
    return judged(
      'fail',
      `answered ${seen}; this service answers ${summary(planned.kind, expected)}`,
      differsFix(url, context.serviceHost),
    );
  if (readsAs(planned.kind, live))
    return judged(
      'fail',
      `answers with other settings (${seen}): a client that asks here first, or after the service fails, uses them`,
      `remove the discovery file from the web site at ${url.host}, or have it pass ${url.pathname} to the service`,
    );
  // Outlook asks the domain itself first, and a certificate not naming it brings up a security alert [MS KB2772058].
  if (problem !== null && planned.askedBy.some((client) => client.startsWith('Outlook')))
    return judged(
      'fail',
      `Outlook asks this URL first and warns the user about its certificate: ${problem}`,
      `give ${url.host} a certificate naming it, or answer nothing on its port ${url.port || '443'}`,
    );
  return judged('skip', `not this service (${seen}): clients go on to the next URL`);
}
