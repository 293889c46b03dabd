import { MOBILECONFIG_PATH } from '../../protocols/mobileconfig/paths';
import type { ApplePlatform } from '../../protocols/mobileconfig/platform';
import type { SetupLanguage } from './language';

/** The setup page: the service's front page, for people (docs/protocols.md §13). */
export const SETUP_PAGE_PATH = '/';
/** Its style sheet, a file of its own: the page's CSP allows no inline style. */
export const SETUP_STYLESHEET_PATH = '/setup/setup.css';

/** The page itself, in a language, for an address (the language switch's links). */
export function setupPageLink(language: SetupLanguage, address: string | null): string {
  const query = new URLSearchParams(address === null ? { lang: language } : { address, lang: language });
  return `${SETUP_PAGE_PATH}?${query.toString()}`;
}

/** The Apple profile route (§7) for an address and platform, relative to this service. */
export function profileLink(address: string, platform: ApplePlatform): string {
  return `${MOBILECONFIG_PATH}?${new URLSearchParams({ emailaddress: address, platform }).toString()}`;
}
