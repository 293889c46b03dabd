import { renderXmlDocument } from '../xml/render-xml-document';
import type { WireRequest } from './loopback';
import { PACC_DOCUMENT_HOST_PREFIX, PACC_DOCUMENT_PATH } from './pacc-record';

/**
 * The discovery paths `check` asks, as each client family asks them. A CLI does not import the
 * protocol modules (test/unit/import-direction.test.ts), so the paths are repeated here;
 * test/unit/cli-discovery-requests.test.ts checks they equal the protocols' paths.ts.
 */
export const POX_PATH = '/autodiscover/autodiscover.xml';
export const AUTODISCOVER_JSON_PATH = '/autodiscover/autodiscover.json';
export const AUTOCONFIG_PATH = '/mail/config-v1.1.xml';
export const MOBILECONFIG_PATH = '/mobileconfig';
export const OUTLOOK_REQUEST_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
export const OUTLOOK_RESPONSE_SCHEMA =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

/** The protocols Autodiscover v2 is asked for (docs/protocols.md §5). */
export const JSON_PROTOCOLS = ['AutodiscoverV1', 'ActiveSync', 'Ews'] as const;
export const APPLE_PLATFORMS = ['ios', 'macos'] as const;

export type ClientFamily =
  | 'outlook-pox'
  | `autodiscover-json-${(typeof JSON_PROTOCOLS)[number]}`
  | 'autoconfig'
  | `apple-${(typeof APPLE_PLATFORMS)[number]}`
  | 'pacc';

/** A POX request for `address`, written by the project's one XML writer, which escapes it. */
export function poxRequestBody(address: string): string {
  return renderXmlDocument({
    Autodiscover: {
      '@_xmlns': OUTLOOK_REQUEST_SCHEMA,
      Request: { EMailAddress: address, AcceptableResponseSchema: OUTLOOK_RESPONSE_SCHEMA },
    },
  });
}

/** Each client family's request for `address` at `domain` (ASCII), on the host name that family asks. */
export function discoveryRequests(
  address: string,
  domain: string,
): ReadonlyArray<readonly [ClientFamily, WireRequest]> {
  const email = encodeURIComponent(address);
  return [
    [
      'outlook-pox',
      {
        method: 'POST',
        path: POX_PATH,
        host: `autodiscover.${domain}`,
        body: poxRequestBody(address),
        headers: { 'content-type': 'text/xml; charset=utf-8' },
      },
    ],
    ...JSON_PROTOCOLS.map(
      (protocol) =>
        [
          `autodiscover-json-${protocol}`,
          { path: `${AUTODISCOVER_JSON_PATH}?Email=${email}&Protocol=${protocol}`, host: `autodiscover.${domain}` },
        ] as const,
    ),
    ['autoconfig', { path: `${AUTOCONFIG_PATH}?emailaddress=${email}`, host: `autoconfig.${domain}` }],
    ...APPLE_PLATFORMS.map(
      (platform) =>
        [
          `apple-${platform}`,
          { path: `${MOBILECONFIG_PATH}?emailaddress=${email}&platform=${platform}`, host: `autoconfig.${domain}` },
        ] as const,
    ),
    ['pacc', { path: PACC_DOCUMENT_PATH, host: `${PACC_DOCUMENT_HOST_PREFIX}${domain}` }],
  ];
}
