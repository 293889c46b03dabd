import type { Answer } from '../../http/answer';
import type { AutodiscoverRequestProblem, ResponseSchema } from './parse-request';
import type { ProtocolOutcome } from '../protocol-outcome';
import { AUTODISCOVER_CONTENT_TYPE } from './paths';
import { memoizeRendering } from '../memoize-rendering';
import { renderMobileSyncResponse, renderOutlookResponse, type AutodiscoverRenderContext } from './render';
import { renderAutodiscoverError, type AutodiscoverErrorCode, type ErrorRenderContext } from './render-error';

/** Refused before the address was read: the body parser's problems, a GET probe, a body Express refused. */
export type AutodiscoverInvalidRequest =
  | AutodiscoverRequestProblem
  | { readonly kind: 'not-a-post' }
  /** Too large, aborted, compressed: the 4xx the body parser gave. */
  | { readonly kind: 'body-refused'; readonly refusedStatus: number };

/** What the answer must suit besides the outcome. */
export interface AutodiscoverClient {
  /** The response schema the client reads. */
  readonly schema: ResponseSchema;
  /** Outlook follows `Action: redirectUrl`; Thunderbird does not (docs/protocols.md §3.4). */
  readonly clientFollowsRedirectUrl: boolean;
}

const renderOutlookResponseOnce = memoizeRendering(renderOutlookResponse);
/** The two render contexts, made once: the memo reads an object argument's JSON once per object. */
const FOLLOWS_REDIRECT_URL: AutodiscoverRenderContext = { clientFollowsRedirectUrl: true };
const IGNORES_REDIRECT_URL: AutodiscoverRenderContext = { clientFollowsRedirectUrl: false };
const renderMobileSyncResponseOnce = memoizeRendering(renderMobileSyncResponse);

export type AutodiscoverOutcome = ProtocolOutcome<AutodiscoverClient, AutodiscoverInvalidRequest>;

/**
 * On every POX answer, as Exchange sends them: the EWS Managed API and ews-javascript-api GET this
 * path before they use SOAP Autodiscover, and go on to /autodiscover/autodiscover.svc (or
 * …/wssecurity) only when these headers say it is there (docs/protocols.md §11.1).
 */
const SOAP_ENDPOINT_HEADERS: readonly string[] = ['X-SOAP-Enabled', 'True', 'X-WSSecurity-Enabled', 'True'];

/**
 * Every Autodiscover POX outcome's answer. Each one, errors included, is an Autodiscover document with
 * HTTP 200 (as Exchange sends), except the refusals that happen before the body is read (the body
 * parser's 4xx, the rate limit's 429). Never 401: this service checks no credentials.
 */
export function answerAutodiscover(outcome: AutodiscoverOutcome, context: ErrorRenderContext): Answer {
  const error = (code: AutodiscoverErrorCode, schema: ResponseSchema | null, status = 200): Answer => ({
    status,
    contentType: AUTODISCOVER_CONTENT_TYPE,
    body: renderAutodiscoverError(code, schema, context),
    protocolHeaders: SOAP_ENDPOINT_HEADERS,
  });
  switch (outcome.kind) {
    case 'invalid-request': {
      const [code, schema, status] = invalidRequestError(outcome.invalid);
      return error(code, schema, status);
    }
    case 'rate-limited':
      return { ...error(603, null, 429), retryAfterSeconds: outcome.retryAfterSeconds };
    case 'invalid-address':
      return error(600, outcome.request.schema);
    case 'not-hosted':
      return error(500, outcome.request.schema);
    case 'unavailable':
      // An Autodiscover client reads the 603 document; it has no use for Retry-After on a 200.
      return error(603, outcome.request.schema);
    case 'settings': {
      const { settings, request } = outcome;
      if (request.schema === 'outlook') {
        const body = renderOutlookResponseOnce(
          settings,
          request.clientFollowsRedirectUrl ? FOLLOWS_REDIRECT_URL : IGNORES_REDIRECT_URL,
        );
        return { status: 200, contentType: AUTODISCOVER_CONTENT_TYPE, body, protocolHeaders: SOAP_ENDPOINT_HEADERS };
      }
      // A POP access mailbox has no ActiveSync; 501 is read promptly by every EAS client (Action/Error is not).
      if (settings.accessType !== 'business') return error(501, request.schema);
      return {
        status: 200,
        contentType: AUTODISCOVER_CONTENT_TYPE,
        body: renderMobileSyncResponseOnce(settings),
        protocolHeaders: SOAP_ENDPOINT_HEADERS,
      };
    }
  }
}

/** Error code, schema (null: not known yet, so Outlook's) and HTTP status per refusal. */
function invalidRequestError(
  invalid: AutodiscoverInvalidRequest,
): readonly [AutodiscoverErrorCode, ResponseSchema | null, number] {
  switch (invalid.kind) {
    case 'invalid-request':
    case 'not-a-post':
      return [600, null, 200];
    case 'unsupported-schema':
      return [601, null, 200];
    // Only an Exchange directory could resolve a LegacyDN: "cannot be found", in the schema asked for.
    case 'legacy-dn-only':
      return [500, invalid.schema, 200];
    case 'body-refused':
      return [600, null, invalid.refusedStatus];
  }
}
