import type { Request } from 'express';
import { decodeStrictly, lastPathSegment, queryAddress, queryParam } from '../../src/http/query-param';

/** Only what the readers use: the raw target, and Express's path getter (the target before "?"). */
const requestFor = (url: string): Request => ({ url, path: url.split('?')[0] }) as unknown as Request;

describe('decodeStrictly › UTF-8 or refused, never U+FFFD', () => {
  test.each([
    ['a%40b', true, 'a@b'],
    ['a+b', true, 'a b'],
    ['a+b', false, 'a+b'],
    ['%F0%9F%98%80', true, '😀'],
    ['%2B', true, '+'],
  ])('%s (plus is space: %s) › %s', (asSent, plusIsSpace, expected) => {
    expect(decodeStrictly(asSent, plusIsSpace)).toEqual({ ok: true, value: expected });
  });

  test.each(['%C0%80', '%ED%A0%80', '%FE%FF', '%F4%90%80%80', '%E2%82', '%ZZ', '%'])('%s › refused', (asSent) => {
    expect(decodeStrictly(`x${asSent}`, true)).toEqual({
      ok: false,
      error: { kind: 'invalid-utf8', asSent: `x${asSent}` },
    });
  });
});

describe('queryParam › one reading of the raw query', () => {
  test.each([
    ['/p', undefined],
    ['/p?other=1', undefined],
    ['/p?Email=a%40b', 'a@b'],
    ['/p?EMAIL=a%40b&x=1', 'a@b'],
    ['/p?%45mail=a', 'a'],
    ['/p?email', ''],
    ['/p?email=a#fragment', 'a'],
    ['/p?email=a&Email=b', ''],
    ['/p?email=a&email=a', ''],
    ['/p?email=a&email=%FF', ''],
  ])('%s › %s', (url, expected) => {
    const read = queryParam(requestFor(url), 'email');
    expect(read).toEqual(expected === undefined ? undefined : { ok: true, value: expected });
  });

  test('a value that does not decode › refused with the text as sent', () => {
    expect(queryParam(requestFor('/p?email=a%C0%80'), 'Email')).toEqual({
      ok: false,
      error: { kind: 'invalid-utf8', asSent: 'a%C0%80' },
    });
  });

  test('a name that does not decode › every parameter refused', () => {
    expect(queryParam(requestFor('/p?email=a&x%FF=1'), 'email')).toMatchObject({ ok: false });
    expect(queryParam(requestFor('/p?x%FF=1'), 'protocol')).toMatchObject({ ok: false });
  });
});

describe('queryAddress › an address in the query: "+" is itself', () => {
  test.each([
    // FairEmail's unencoded form, and the correctly encoded one: the same address.
    ['/p?emailaddress=john+tag@example.com', 'john+tag@example.com'],
    ['/p?emailaddress=john%2Btag%40example.com', 'john+tag@example.com'],
    // An encoded space stays a space, which the address parser refuses.
    ['/p?emailaddress=john%20tag%40example.com', 'john tag@example.com'],
    // Parameter names still read "+" as a space, as every query does.
    ['/p?email+address=a+b&emailaddress=c+d', 'c+d'],
  ])('%s › %s', (url, expected) => {
    expect(queryAddress(requestFor(url), 'emailaddress')).toEqual({ ok: true, value: expected });
  });

  test("the rest of the query reading is queryParam's: repeats are ambiguous, bad escapes refused", () => {
    expect(queryAddress(requestFor('/p?emailaddress=a+b&EmailAddress=a+b'), 'emailaddress')).toEqual({
      ok: true,
      value: '',
    });
    expect(queryAddress(requestFor('/p?emailaddress=a+%C0%80'), 'emailaddress')).toMatchObject({ ok: false });
    expect(queryAddress(requestFor('/p'), 'emailaddress')).toBeUndefined();
  });

  test('other parameters still read "+" as a space', () => {
    expect(queryParam(requestFor('/p?Protocol=a+b'), 'protocol')).toEqual({ ok: true, value: 'a b' });
  });
});

describe('lastPathSegment › the address in a path', () => {
  test.each([
    ['/v1.0/a%40b', 'a@b'],
    ['/v1.0/a+b@c', 'a+b@c'],
    ['/v1.0/a@b/', 'a@b'],
    ['/v1.0/a@b?x=1', 'a@b'],
  ])('%s › %s', (url, expected) => {
    expect(lastPathSegment(requestFor(url))).toEqual({ ok: true, value: expected });
  });

  test('not UTF-8 › refused', () => {
    expect(lastPathSegment(requestFor('/v1.0/a%ED%A0%80'))).toMatchObject({ ok: false });
  });
});
