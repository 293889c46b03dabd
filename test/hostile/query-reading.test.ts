import request from 'supertest';
import { exampleApp } from '../support/app';
import type { TestResponse } from '../support/http';

/**
 * One strict reading of every query parameter and path address: percent-escapes that are not UTF-8
 * are refused with a 400 (never read as U+FFFD), and a parameter given twice, in any letter case,
 * is ambiguous on every endpoint, so a filter in front that reads the other copy cannot disagree.
 */

const app = exampleApp();
const get = (target: string): Promise<TestResponse> => request(app).get(target);

/** Escapes that decode leniently to U+FFFD, each put inside a listed mailbox's local part. */
const NOT_UTF8: ReadonlyArray<readonly [string, string]> = [
  ['overlong NUL', '%C0%80'],
  ['encoded surrogate', '%ED%A0%80'],
  ['bytes never in UTF-8', '%FE%FF'],
  ['above U+10FFFF', '%F4%90%80%80'],
  ['truncated sequence', '%E2%82'],
];

const brokenAddress = (escape: string): string => `pop.user${escape}%40example.com`;

describe('query reading › an address that is not UTF-8 once decoded is a 400 in the protocol’s form', () => {
  test.each(NOT_UTF8)('autoconfig, %s', async (_name, escape) => {
    const res = await get(`/mail/config-v1.1.xml?emailaddress=${brokenAddress(escape)}`);
    expect(res.status).toBe(400);
    expect(res.text).toBe('emailaddress: the e-mail address is not valid UTF-8 once percent-decoded\n');
  });

  test.each(NOT_UTF8)('mobileconfig, %s', async (_name, escape) => {
    const res = await get(`/mobileconfig?emailaddress=${brokenAddress(escape)}`);
    expect(res.status).toBe(400);
    expect(res.text).toBe('emailaddress: the e-mail address is not valid UTF-8 once percent-decoded\n');
  });

  const v2InvalidUser = {
    ErrorCode: 'InvalidUser',
    ErrorMessage: 'The given e-mail address is invalid: the e-mail address is not valid UTF-8 once percent-decoded.',
  };

  test.each(NOT_UTF8)('v2 ?Email=, %s', async (_name, escape) => {
    const res = await get(`/autodiscover/autodiscover.json?Email=${brokenAddress(escape)}&Protocol=ActiveSync`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(v2InvalidUser);
  });

  test.each(NOT_UTF8)('v2 address in the path, %s', async (_name, escape) => {
    const res = await get(`/autodiscover/autodiscover.json/v1.0/${brokenAddress(escape)}?Protocol=ActiveSync`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(v2InvalidUser);
  });

  test('v2 address in the path, an escape that is no escape (%ZZ)', async () => {
    const res = await get('/autodiscover/autodiscover.json/v1.0/pop%ZZ%40example.com?Protocol=ActiveSync');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(v2InvalidUser);
  });

  test('v2 Protocol not UTF-8 › InvalidProtocol, echoing the value as sent', async () => {
    const res = await get('/autodiscover/autodiscover.json?Email=pop.user%40example.com&Protocol=Active%C0%80Sync');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      ErrorCode: 'InvalidProtocol',
      ErrorMessage: expect.stringContaining("'Active%C0%80Sync'") as unknown,
    });
  });

  test('a parameter name that is not UTF-8 › refused, it could be any parameter', async () => {
    const res = await get('/mobileconfig?emailaddress=pop.user%40example.com&x%FF=1');
    expect(res.status).toBe(400);
  });
});

describe('query reading › valid escapes still read as before', () => {
  test.each([
    ['"%20" as a space, trimmed', '/mobileconfig?emailaddress=%20pop.user%40example.com%20'],
    ['an escaped parameter name', '/mobileconfig?%65mailaddress=pop.user%40example.com'],
    [
      'a four-byte character elsewhere in the query',
      '/mobileconfig?emailaddress=pop.user%40example.com&note=%F0%9F%98%80',
    ],
  ])('%s › 200', async (_name, target) => {
    expect((await get(target)).status).toBe(200);
  });

  test('an address parameter keeps a literal "+" (FairEmail sends it unencoded), so "+" around it is no space', async () => {
    expect((await get('/mobileconfig?emailaddress=+pop.user%40example.com+')).status).toBe(400);
  });

  test('v2 path with a literal "+" keeps it (paths do not read "+" as a space)', async () => {
    const res = await get('/autodiscover/autodiscover.json/v1.0/pop+tag@example.com?Protocol=AutodiscoverV1');
    expect(res.status).toBe(200);
  });
});

describe('query reading › repeats in any letter case are ambiguous, like exact repeats', () => {
  test.each([
    ['exact', 'Protocol=ActiveSync&Protocol=AutodiscoverV1'],
    ['letter case', 'Protocol=ActiveSync&protocol=AutodiscoverV1'],
    ['an escaped name', 'Protocol=ActiveSync&%50rotocol=AutodiscoverV1'],
  ])('v2 Protocol repeated (%s) › InvalidProtocol', async (_name, query) => {
    const res = await get(`/autodiscover/autodiscover.json?Email=business.user%40example.com&${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ ErrorCode: 'InvalidProtocol' });
  });

  test.each([
    ['exact', 'Email=pop.user%40example.com&Email=business.user%40example.com'],
    ['letter case', 'Email=pop.user%40example.com&EMAIL=business.user%40example.com'],
  ])('v2 Email repeated (%s) › InvalidUser', async (_name, query) => {
    const res = await get(`/autodiscover/autodiscover.json?${query}&Protocol=ActiveSync`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ ErrorCode: 'InvalidUser' });
  });

  test.each([
    ['exact', 'emailaddress=pop.user%40example.com&emailaddress=business.user%40example.com'],
    ['letter case', 'emailaddress=pop.user%40example.com&EMAILADDRESS=business.user%40example.com'],
  ])('mobileconfig emailaddress repeated (%s) › 400', async (_name, query) => {
    const res = await get(`/mobileconfig?${query}`);
    expect(res.status).toBe(400);
    expect(res.text).toBe('emailaddress: the e-mail address is empty\n');
  });

  test.each([
    ['exact', 'emailaddress=pop.user%40example.com&emailaddress=business.user%40example.com'],
    ['letter case', 'emailaddress=pop.user%40example.com&EMAILADDRESS=business.user%40example.com'],
  ])('autoconfig emailaddress repeated (%s) › neither address is read', async (_name, query) => {
    const res = await request(app).get(`/mail/config-v1.1.xml?${query}`).set('Host', 'autoconfig.example.net');
    // Exact repeats read as no address: the answer is the Host's domain's (not hosted here), never either mailbox's.
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('pop.user');
    expect(res.text).not.toContain('business.user');
  });
});
