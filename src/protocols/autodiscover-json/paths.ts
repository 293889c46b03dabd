/** Autodiscover v2: the address in the path (Outlook desktop) or in `Email` (Microsoft's cloud, phones). */
export const AUTODISCOVER_JSON_PATH = '/autodiscover/autodiscover.json';
export const AUTODISCOVER_JSON_ADDRESS_PATH = '/autodiscover/autodiscover.json/v1.0/:address';
/**
 * The same path for Express, as a pattern without a named parameter, so that Express does not
 * percent-decode the address itself: the handler reads it with the one strict decoding
 * (src/http/query-param.ts). Like a string route: any letter case, one trailing slash allowed.
 */
export const AUTODISCOVER_JSON_ADDRESS_PATTERN = /^\/autodiscover\/autodiscover\.json\/v1\.0\/[^/]+\/?$/i;
export const AUTODISCOVER_JSON_VERSION_PATH = '/autodiscover/autodiscover.json/v1.0';
export const AUTODISCOVER_JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
