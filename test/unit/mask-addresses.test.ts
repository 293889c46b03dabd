/**
 * maskAddresses (src/http/logger.ts) keeps only the domain of an address in a logged path; its
 * regex starts matches at segment starts only, which must give what the plain form gave.
 */
import fc from 'fast-check';
import { maskAddresses } from '../../src/http/logger';

/** The first form: every start position tried. */
function maskedAsFirstWritten(text: string): string {
  return text.replace(/[^/?\s]+(@|%(?:25)*40)/gi, '***$1');
}

describe('maskAddresses', () => {
  test.each([
    ['/autodiscover/autodiscover.json/v1.0/jane@example.com', '/autodiscover/autodiscover.json/v1.0/***@example.com'],
    ['/v1.0/jane%40example.com', '/v1.0/***%40example.com'],
    ['/v1.0/jane%252540example.com', '/v1.0/***%252540example.com'],
    ['/v1.0/a@b@example.com', '/v1.0/***@example.com'],
    ['/v1.0/@example.com', '/v1.0/@example.com'],
    ['/mail/config-v1.1.xml', '/mail/config-v1.1.xml'],
  ])('%s › %s', (path, masked) => {
    expect(maskAddresses(path)).toBe(masked);
  });

  test('any text › the same as the first form', () => {
    const character = fc.constantFrom(
      'a',
      'Z',
      '.',
      '@',
      '%',
      '2',
      '5',
      '4',
      '0',
      '/',
      '?',
      ' ',
      '\t',
      '\u00a0',
      'é',
      '=',
    );
    fc.assert(
      fc.property(fc.array(character, { maxLength: 40 }), (characters) => {
        const text = characters.join('');
        expect(maskAddresses(text)).toBe(maskedAsFirstWritten(text));
      }),
      { numRuns: 5_000 },
    );
  });
});
