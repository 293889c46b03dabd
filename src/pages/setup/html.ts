import escapeHtml from 'escape-html';

/** Markup known to be safe: written by a template below (every value escaped) or by a kept library. */
export class Html {
  constructor(readonly markup: string) {}

  toString(): string {
    return this.markup;
  }
}

/** What a template may interpolate: text (escaped), markup, lists of either; null and false leave nothing. */
export type HtmlValue = Html | string | number | null | false | readonly HtmlValue[];

function markupOf(value: HtmlValue): string {
  if (value === null || value === false) return '';
  if (value instanceof Html) return value.markup;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return escapeHtml(value);
  return value.map(markupOf).join('');
}

/**
 * The page's one way of writing HTML: every interpolated string goes through escape-html (which
 * escapes `& < > " '`, so a value is safe in text and in a double-quoted attribute alike), and only
 * an Html value passes as it is.
 */
export function safeHtml(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let markup = strings[0] ?? '';
  values.forEach((value, at) => {
    markup += markupOf(value) + (strings[at + 1] ?? '');
  });
  return new Html(markup);
}

/** Markup from a kept library that writes it (the QR code's SVG), taken as it is. */
export function trustedMarkup(markup: string): Html {
  return new Html(markup);
}
