/** Express matches paths case-insensitively, so this also serves /Autodiscover/Autodiscover.xml and /AutoDiscover/AutoDiscover.xml. */
export const AUTODISCOVER_XML_PATH = '/autodiscover/autodiscover.xml';
export const AUTODISCOVER_CONTENT_TYPE = 'text/xml; charset=utf-8';

export const RESPONSE_NAMESPACE = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
export const OUTLOOK_RESPONSE_SCHEMA =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
export const MOBILESYNC_RESPONSE_SCHEMA =
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';
