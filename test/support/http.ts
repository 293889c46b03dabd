import type { Express } from 'express';
import request from 'supertest';
import type { AccountDirectory, DirectoryAnswer } from '../../src/directory/account-directory';
import { parseXmlDocument, textAt } from './documents';

/** Supertest helpers shared by the route tests in test/http/. */

export type TestResponse = request.Response;

export const AUTODISCOVER_XML = '/autodiscover/autodiscover.xml';
export const OUTLOOK_UA = 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)';
export const THUNDERBIRD_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.0';

/** POSTs a body as bytes: no Content-Type unless one is given in `headers`. */
export function postAutodiscover(
  app: Express,
  body: Buffer | string,
  headers: Readonly<Record<string, string>> = {},
  path: string = AUTODISCOVER_XML,
): Promise<TestResponse> {
  let test = request(app).post(path);
  for (const [name, value] of Object.entries(headers)) test = test.set(name, value);
  return test.send(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
}

/** Headers every Autodiscover answer carries, error or not. */
export function expectAutodiscoverHeaders(res: TestResponse): void {
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['x-powered-by']).toBeUndefined();
}

/** The `Autodiscover/Response/Error/ErrorCode` of an error answer, after checking the document. */
export function autodiscoverErrorCode(res: TestResponse): string {
  expectAutodiscoverHeaders(res);
  return textAt(parseXmlDocument(res.text), 'Autodiscover/Response/Error/ErrorCode');
}

/** A directory whose every lookup fails with `error` (database down, or a bug). */
export function failingDirectory(error: Error): AccountDirectory {
  return {
    lookup: async (): Promise<DirectoryAnswer> => {
      throw error;
    },
    close: async () => {},
  };
}

/** No stack frame ("at fn (file.ts:1:2)") and none of the error's own words in a body. */
export function expectNoInternals(body: string, secret: string): void {
  expect(body).not.toContain(secret);
  expect(body).not.toMatch(/\bat .+:\d+:\d+/);
  expect(body).not.toMatch(/\.ts\b|node_modules/);
}
