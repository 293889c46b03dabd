/** Autodiscover v2: the address in the path (Outlook desktop) or in `Email` (Microsoft's cloud, phones). */
export const AUTODISCOVER_JSON_PATH = '/autodiscover/autodiscover.json';
export const AUTODISCOVER_JSON_ADDRESS_PATH = '/autodiscover/autodiscover.json/v1.0/:address';
export const AUTODISCOVER_JSON_VERSION_PATH = '/autodiscover/autodiscover.json/v1.0';
export const AUTODISCOVER_JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
