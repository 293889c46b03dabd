import type { Answer } from '../../http/answer';
import { renderSetupPage, type SetupPageSite, type SetupPageView } from './render';

export const SETUP_PAGE_CONTENT_TYPE = 'text/html; charset=utf-8';

/** The page's status for each outcome: the same classes of answer as the protocols give. */
function statusOf(view: SetupPageView): { readonly status: number; readonly retryAfterSeconds?: number } {
  const { outcome } = view;
  switch (outcome.kind) {
    case 'form':
    case 'settings':
      return { status: 200 };
    case 'invalid-address':
      return { status: 400 };
    case 'not-hosted':
      return { status: 404 };
    case 'unavailable':
      return { status: 503, retryAfterSeconds: outcome.retryAfterSeconds };
    case 'rate-limited':
      return { status: 429, retryAfterSeconds: outcome.retryAfterSeconds };
  }
}

/**
 * Every setup page answer: the page in its language, with its own CSP (which replaces the service's
 * default one: setup-page router), and headers saying the language was chosen by Accept-Language.
 */
export function answerSetupPage(view: SetupPageView, site: SetupPageSite, contentSecurityPolicy: string): Answer {
  return {
    ...statusOf(view),
    contentType: SETUP_PAGE_CONTENT_TYPE,
    body: renderSetupPage(view, site),
    protocolHeaders: [
      'Content-Language',
      view.language,
      'Vary',
      'Accept-Language',
      'Content-Security-Policy',
      contentSecurityPolicy,
    ],
  };
}
