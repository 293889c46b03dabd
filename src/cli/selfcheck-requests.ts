import { AUTOCONFIG_PATH, AUTODISCOVER_JSON_PATH, POX_PATH, poxRequestBody } from './discovery-requests';
import { PACC_DOCUMENT_HOST_PREFIX, PACC_DOCUMENT_PATH } from './pacc-record';

/**
 * The requests selfcheck sends, as each client sends them and in each client's order
 * (docs/protocols.md §2.1–2.3, §2.5): Outlook [OXDISCO 3.1.5], Thunderbird's provider and Exchange
 * steps [TB FetchConfig; TB ExchangeAutoDiscover], Thunderbird for Android's provider and MX steps
 * [TfA ProviderAutoconfigUrlProvider; TfA MxLookupAutoconfigDiscovery], PACC [§10.2]. Pure: the
 * names found in DNS (SRV target, MX domains) come in. A request several clients send is sent once,
 * with every client named. The ISPDB is Mozilla's, not this service's: not asked.
 */

/** The `.well-known` form of the autoconfig URL, on the domain itself (test/unit/selfcheck.test.ts checks the protocol answers it). */
export const WELL_KNOWN_AUTOCONFIG_PATH = `/.well-known/autoconfig${AUTOCONFIG_PATH}`;

export type AnswerKind = 'pox' | 'autodiscover-json' | 'autoconfig' | 'pacc';

/**
 * required: `dns` points the name at the service, so it must answer as the service does.
 * optional: the domain itself (its web site, which `dns` leaves alone); clients go on when it has nothing.
 * mx: a host of the MX step; required only where this service has an answer for it.
 */
export type RequestRole = 'required' | 'optional' | 'mx';

export interface PlannedRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly kind: AnswerKind;
  readonly role: RequestRole;
  readonly askedBy: readonly string[];
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Plain-HTTP Autodiscover: a redirect is the expected answer, after which the client POSTs `body`
   * to the Location [OXDISCO 3.1.5.4; TB ExchangeAutoDiscover]. `probe`: Outlook's GET, which gets
   * nothing else from this service (no redirect configured: skipped, not failed).
   */
  readonly redirect?: { readonly expect: 'probe' | 'follow'; readonly body: string };
}

export interface PlanInput {
  /** ASCII, lower case. */
  readonly domain: string;
  readonly address: string;
  /** The SRV target Outlook and Thunderbird would use (a port-443 record), or null. */
  readonly srvTarget: string | null;
  /** The MX step's domains in the order asked (the MX host less its first label, then its base domain). */
  readonly mxDomains: readonly string[];
  /** Whether the service serves a PACC document for the domain (`dns` publishes the PACC names then). */
  readonly pacc: boolean;
}

const POX_HEADERS = { 'content-type': 'text/xml; charset=utf-8' } as const;

export function plannedRequests(input: PlanInput): PlannedRequest[] {
  const { domain, address } = input;
  const email = `emailaddress=${encodeURIComponent(address)}`;
  const body = poxRequestBody(address);
  const pox = (url: string, role: RequestRole, askedBy: string, redirect?: 'follow'): PlannedRequest => ({
    method: 'POST',
    url,
    kind: 'pox',
    role,
    askedBy: [askedBy],
    body,
    headers: POX_HEADERS,
    ...(redirect === undefined ? {} : { redirect: { expect: redirect, body } }),
  });
  const autoconfig = (url: string, role: RequestRole, askedBy: string): PlannedRequest => ({
    method: 'GET',
    url,
    kind: 'autoconfig',
    role,
    askedBy: [askedBy],
  });
  const providerUrls = (query: string): Array<[string, RequestRole]> => [
    [`https://autoconfig.${domain}${AUTOCONFIG_PATH}${query}`, 'required'],
    [`https://${domain}${WELL_KNOWN_AUTOCONFIG_PATH}${query}`, 'optional'],
    [`http://autoconfig.${domain}${AUTOCONFIG_PATH}${query}`, 'required'],
    [`http://${domain}${WELL_KNOWN_AUTOCONFIG_PATH}${query}`, 'optional'],
  ];
  const srvUrl = input.srvTarget === null ? null : `https://${input.srvTarget}${POX_PATH}`;
  const requests: PlannedRequest[] = [
    // Outlook: https://<domain>, https://autodiscover.<domain>, the port-80 probe, SRV (§2.1).
    pox(`https://${domain}${POX_PATH}`, 'optional', 'Outlook 1'),
    pox(`https://autodiscover.${domain}${POX_PATH}`, 'required', 'Outlook 2'),
    {
      method: 'GET',
      url: `http://autodiscover.${domain}${POX_PATH}`,
      kind: 'pox',
      role: 'required',
      askedBy: ['Outlook 3'],
      redirect: { expect: 'probe', body },
    },
    ...(srvUrl === null ? [] : [pox(srvUrl, 'required', 'Outlook 4')]),
    {
      method: 'GET',
      url: `https://autodiscover.${domain}${AUTODISCOVER_JSON_PATH}?Email=${encodeURIComponent(address)}&Protocol=AutodiscoverV1`,
      kind: 'autodiscover-json',
      role: 'required',
      askedBy: ['Outlook v2 (newer builds, first)'],
    },
    // Thunderbird's Exchange step: autodiscover.<domain>, <domain>, plain HTTP (its redirect followed), SRV.
    pox(`https://autodiscover.${domain}${POX_PATH}`, 'required', 'Thunderbird Exchange 1'),
    pox(`https://${domain}${POX_PATH}`, 'optional', 'Thunderbird Exchange 2'),
    pox(`http://autodiscover.${domain}${POX_PATH}`, 'required', 'Thunderbird Exchange 3', 'follow'),
    ...(srvUrl === null ? [] : [pox(srvUrl, 'required', 'Thunderbird Exchange 4')]),
    // Thunderbird's provider step, with the address; then Android's, without (§2.2, §2.3).
    ...providerUrls(`?${email}`).map(([url, role], i) => autoconfig(url, role, `Thunderbird ${i + 1}`)),
    ...providerUrls('').map(([url, role], i) => autoconfig(url, role, `Thunderbird for Android ${i + 1}`)),
    // The MX steps: HTTPS autoconfig only; Thunderbird sends the address, Android does not.
    ...input.mxDomains.flatMap((mxDomain, i) => [
      autoconfig(`https://autoconfig.${mxDomain}${AUTOCONFIG_PATH}?${email}`, 'mx', `Thunderbird MX step ${i + 1}`),
      autoconfig(`https://autoconfig.${mxDomain}${AUTOCONFIG_PATH}`, 'mx', `Thunderbird for Android MX step ${i + 1}`),
    ]),
    ...(input.pacc
      ? [
          {
            method: 'GET',
            url: `https://${PACC_DOCUMENT_HOST_PREFIX}${domain}${PACC_DOCUMENT_PATH}`,
            kind: 'pacc',
            role: 'required',
            askedBy: ['PACC clients'],
          } as const,
        ]
      : []),
  ];
  return mergeSame(requests);
}

/** One request per method, URL and body, naming every client that sends it (in first-seen order). */
function mergeSame(requests: readonly PlannedRequest[]): PlannedRequest[] {
  const merged = new Map<string, PlannedRequest>();
  for (const request of requests) {
    const key = `${request.method} ${request.url} ${request.body ?? ''}`;
    const seen = merged.get(key);
    merged.set(key, seen === undefined ? request : { ...seen, askedBy: [...seen.askedBy, ...request.askedBy] });
  }
  return [...merged.values()];
}
