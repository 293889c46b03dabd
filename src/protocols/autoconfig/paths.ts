/** Thunderbird's two URL forms, and the `/v1.1/` prefix one client (Nine) sends by mistake. */
export const AUTOCONFIG_PATHS = [
  '/mail/config-v1.1.xml',
  '/.well-known/autoconfig/mail/config-v1.1.xml',
  '/v1.1/mail/config-v1.1.xml',
] as const;
/** Thunderbird parses only text/xml, application/xml or text/rdf; anything else fails. */
export const AUTOCONFIG_CONTENT_TYPE = 'text/xml; charset=utf-8';
