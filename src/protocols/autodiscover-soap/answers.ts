import type { Answer } from '../../http/answer';
import type { AddressedMailSettings, MailSettings } from '../../model/mail-settings';
import type { DiscoveryOutcome } from '../protocol-outcome';
import type { SoapRequestProblem } from './parse-request';
import { SOAP_CONTENT_TYPE } from './paths';
import {
  renderGetDomainSettingsResponse,
  renderGetUserSettingsResponse,
  renderSoapFault,
  renderSoapRequestError,
  type DomainAnswer,
  type SoapFaultCode,
  type UserAnswer,
} from './render';

/** Refused before any user was looked up: the parser's problems, a method other than POST, a refused body. */
export type SoapInvalidRequest =
  | SoapRequestProblem
  | { readonly kind: 'not-a-post' }
  | { readonly kind: 'body-refused'; readonly refusedStatus: number };

/** What became of one named user, or one named domain. */
export type UserDiscovery = DiscoveryOutcome<null, AddressedMailSettings>;
export type DomainDiscovery = DiscoveryOutcome<null, MailSettings<null>>;

/** Every outcome of a SOAP Autodiscover request; a request names one or more users (or domains). */
export type SoapOutcome =
  | { readonly kind: 'invalid-request'; readonly invalid: SoapInvalidRequest }
  | { readonly kind: 'rate-limited'; readonly retryAfterSeconds: number }
  | {
      readonly kind: 'user-settings';
      readonly requested: readonly string[];
      readonly users: readonly UserDiscovery[];
    }
  | {
      readonly kind: 'domain-settings';
      readonly requested: readonly string[];
      readonly domains: readonly DomainDiscovery[];
    };

// ErrorMessage texts, in the words of the POX error table (docs/protocols.md §3.5) where one fits.
const NOT_FOUND_MESSAGE = 'The e-mail address cannot be found.';
const NO_EXCHANGE_MESSAGE = 'This mailbox has no Exchange account.';
const INVALID_ADDRESS_MESSAGE = 'The e-mail address is not valid.';
const TRY_LATER_MESSAGE = 'The server cannot answer right now; try again later.';

/**
 * One user's answer: settings for Business Mail; `InvalidUser` for a POP access mailbox (it has no
 * Exchange account), an address of a domain not hosted here, or text that is no address; `ServerBusy`
 * while the directory is away. All inside an HTTP 200 response (docs/protocols.md §11.4).
 */
export function userAnswerOf(user: UserDiscovery): UserAnswer {
  switch (user.kind) {
    case 'invalid-address':
      return { kind: 'error', errorCode: 'InvalidUser', errorMessage: INVALID_ADDRESS_MESSAGE };
    case 'not-hosted':
      return { kind: 'error', errorCode: 'InvalidUser', errorMessage: NOT_FOUND_MESSAGE };
    case 'unavailable':
      return { kind: 'error', errorCode: 'ServerBusy', errorMessage: TRY_LATER_MESSAGE };
    case 'settings':
      if (user.settings.accessType !== 'business')
        return { kind: 'error', errorCode: 'InvalidUser', errorMessage: NO_EXCHANGE_MESSAGE };
      return { kind: 'settings', settings: user.settings };
  }
}

function domainAnswerOf(domain: DomainDiscovery): DomainAnswer {
  switch (domain.kind) {
    case 'invalid-address':
      return { kind: 'error', errorCode: 'InvalidDomain', errorMessage: 'The domain name is not valid.' };
    case 'not-hosted':
      return { kind: 'error', errorCode: 'InvalidDomain', errorMessage: 'This domain is not hosted here.' };
    case 'unavailable':
      return { kind: 'error', errorCode: 'ServerBusy', errorMessage: TRY_LATER_MESSAGE };
    case 'settings':
      return { kind: 'settings', settings: domain.settings };
  }
}

/** The answer table: builds the per-request answer function, once. */
export function createSoapAnswers(): (outcome: SoapOutcome) => Answer {
  // A flood is answered with the same bytes every time.
  const rateLimited = fault(429, 'Server', 'Too many requests from this address; try again later.');
  return (outcome) => {
    switch (outcome.kind) {
      case 'invalid-request':
        return invalidRequestAnswer(outcome.invalid);
      case 'rate-limited':
        return { ...rateLimited, retryAfterSeconds: outcome.retryAfterSeconds };
      // Rendered per request, not remembered per settings object as the other protocols' answers are:
      // the requested names are the client's choice, so a memo keyed by them would grow without bound.
      // Clients ask once per account set-up, not on every sync.
      case 'user-settings':
        return soapAnswer(renderGetUserSettingsResponse(outcome.users.map(userAnswerOf), outcome.requested));
      case 'domain-settings':
        return soapAnswer(renderGetDomainSettingsResponse(outcome.domains.map(domainAnswerOf), outcome.requested));
    }
  };
}

/**
 * A well-formed request for one of our operations gets that operation's own response with
 * `InvalidRequest` and HTTP 200, which every EWS library reads as an Autodiscover error. Anything
 * else gets a SOAP fault with a 4xx: SOAP 1.1 puts faults on HTTP 500, but this service never
 * answers 5xx for bad input, and a client treats any non-200 as "no Autodiscover here" (docs/protocols.md §11.4).
 */
function invalidRequestAnswer(invalid: SoapInvalidRequest): Answer {
  switch (invalid.kind) {
    case 'invalid-soap-request':
      return soapAnswer(
        renderSoapRequestError(invalid.operation, 'InvalidRequest', `Invalid request: ${invalid.reason}.`),
      );
    case 'not-soap':
      return fault(400, 'Client', `The request is not a SOAP 1.1 Autodiscover request: ${invalid.reason}.`);
    case 'soap-version-mismatch':
      return fault(400, 'VersionMismatch', 'Autodiscover is answered in SOAP 1.1 only.');
    case 'unsupported-operation':
      return fault(400, 'ActionNotSupported', 'This service answers GetUserSettings and GetDomainSettings only.');
    case 'not-a-post':
      return fault(400, 'Client', 'SOAP Autodiscover requests are POSTed.');
    case 'body-refused':
      return fault(invalid.refusedStatus, 'Client', 'The request body was refused (too large, or compressed).');
  }
}

function soapAnswer(body: string): Answer {
  return { status: 200, contentType: SOAP_CONTENT_TYPE, body };
}

function fault(status: number, code: SoapFaultCode, message: string): Answer {
  return { status, contentType: SOAP_CONTENT_TYPE, body: renderSoapFault(code, message) };
}
