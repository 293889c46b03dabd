import type { Answer } from '../../src/http/answer';

/** The plain-text answer a table should give: the line as sent, and Retry-After only when given. */
export function expectedPlainText(status: number, body: string, retryAfterSeconds: number | undefined): Answer {
  return {
    status,
    contentType: 'text/plain; charset=utf-8',
    body,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  };
}
