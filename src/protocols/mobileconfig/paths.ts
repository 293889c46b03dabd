/** Our own URL: no Apple client discovers it, a user opens it from a link. */
export const MOBILECONFIG_PATH = '/mobileconfig';
export const MOBILECONFIG_CONTENT_TYPE = 'application/x-apple-aspen-config';
