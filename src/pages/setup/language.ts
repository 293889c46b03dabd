import Negotiator from 'negotiator';
import type { DecodedText } from '../../http/query-param';

/** The page's languages: English, and Danish, the language of the provider's own help page. */
export const SETUP_LANGUAGES = ['en', 'da'] as const;
export type SetupLanguage = (typeof SETUP_LANGUAGES)[number];

const DEFAULT_LANGUAGE: SetupLanguage = 'en';

function isSetupLanguage(text: string): text is SetupLanguage {
  return (SETUP_LANGUAGES as readonly string[]).includes(text);
}

/**
 * `?lang=en|da` when it names one (the visible switch), else the best match of Accept-Language
 * (negotiator: quality values, `da-DK` matching `da`), else English. An unknown `lang` is not an
 * error: the person still gets a page, in the language their browser asks for.
 */
export function chooseLanguage(langParam: DecodedText | undefined, acceptLanguage: string | undefined): SetupLanguage {
  const asked = langParam?.ok === true ? langParam.value.trim().toLowerCase() : '';
  if (isSetupLanguage(asked)) return asked;
  if (acceptLanguage === undefined) return DEFAULT_LANGUAGE;
  const negotiated = new Negotiator({ headers: { 'accept-language': acceptLanguage } }).language([...SETUP_LANGUAGES]);
  return negotiated !== undefined && isSetupLanguage(negotiated) ? negotiated : DEFAULT_LANGUAGE;
}
