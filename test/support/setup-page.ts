import { HtmlValidate } from 'html-validate';
import type { SetupPageSite } from '../../src/pages/setup/render';
import { EXAMPLE_CONFIG } from './settings';

/** The example config's site facts, as app.ts hands them to the setup page. */
export const EXAMPLE_SITE: SetupPageSite = {
  providerName: EXAMPLE_CONFIG.provider.name,
  webmailUrl: EXAMPLE_CONFIG.provider.webmailUrl,
  publicUrl: EXAMPLE_CONFIG.autodiscover.publicUrl,
};

/** html-validate's recommended rules (WCAG-minded, HTML5 content models), no rule switched off. */
const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });

/** Every problem html-validate finds in a page, one line each ("rule: message at line:column"). */
export function htmlProblems(markup: string): string[] {
  const report = validator.validateStringSync(markup);
  return report.results.flatMap((result) =>
    result.messages.map((message) => `${message.ruleId}: ${message.message} at ${message.line}:${message.column}`),
  );
}
