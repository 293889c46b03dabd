/**
 * SOAP Autodiscover ([MS-OXWSADISC]): paths, namespaces and WS-Addressing actions (docs/protocols.md §11).
 * Paths are matched case-insensitively, as the other Autodiscover paths are (clients send /Autodiscover/Autodiscover.svc).
 */
export const AUTODISCOVER_SOAP_PATH = '/autodiscover/autodiscover.svc';
/** The WS-Security endpoint the EWS Managed API and ews-javascript-api pick for some credentials; same answers here. */
export const AUTODISCOVER_SOAP_WSSECURITY_PATH = '/autodiscover/autodiscover.svc/wssecurity';
export const AUTODISCOVER_SOAP_PATHS = [AUTODISCOVER_SOAP_PATH, AUTODISCOVER_SOAP_WSSECURITY_PATH] as const;

/** SOAP 1.1 answers are text/xml (SOAP 1.1 §6.1.1). */
export const SOAP_CONTENT_TYPE = 'text/xml; charset=utf-8';

export const SOAP_ENVELOPE_NAMESPACE = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_ENVELOPE_NAMESPACE = 'http://www.w3.org/2003/05/soap-envelope';
export const AUTODISCOVER_SOAP_NAMESPACE = 'http://schemas.microsoft.com/exchange/2010/Autodiscover';
export const WS_ADDRESSING_NAMESPACE = 'http://www.w3.org/2005/08/addressing';
export const XML_SCHEMA_INSTANCE_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

/** The operations this service answers; GetFederationInformation and the others are not offered. */
export const SOAP_OPERATIONS = ['GetUserSettings', 'GetDomainSettings'] as const;
export type SoapOperation = (typeof SOAP_OPERATIONS)[number];

/** `wsa:Action` of a request: `http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/<Operation>`. */
export function requestActionOf(operation: SoapOperation): string {
  return `${AUTODISCOVER_SOAP_NAMESPACE}/Autodiscover/${operation}`;
}

/** `wsa:Action` of its answer: the request's action + `Response`, as the WSDL's output action says. */
export function responseActionOf(operation: SoapOperation): string {
  return `${requestActionOf(operation)}Response`;
}

/** WS-Addressing 1.0 SOAP Binding §6: the action of a SOAP 1.1 fault. */
export const SOAP_FAULT_ACTION = 'http://www.w3.org/2005/08/addressing/soap/fault';

/**
 * This service's SOAP URL, beside its POX URL (`autodiscover.publicUrl`): the same path with
 * `autodiscover.svc` for `autodiscover.xml`, or `/autodiscover/autodiscover.svc` on the same origin.
 */
export function soapUrlBeside(poxUrl: string): string {
  const url = new URL(poxUrl);
  url.pathname = /\/autodiscover\.xml$/i.test(url.pathname)
    ? url.pathname.replace(/autodiscover\.xml$/i, 'autodiscover.svc')
    : AUTODISCOVER_SOAP_PATH;
  url.search = '';
  url.hash = '';
  return url.href;
}
