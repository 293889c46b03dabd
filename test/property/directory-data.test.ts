import fc from 'fast-check';
import {
  buildDirectoryData,
  checkShapeWithZod,
  directoryFileSchema,
  parseDirectoryData,
  wellFormedFile,
} from '../../src/directory/directory-data';
import { addressLike, anyString, displayName, domainName, localPart, RUNS } from './arbitraries';

/**
 * The account file's fast shape check (wellFormedFile) stands in for zod on well-formed files; zod
 * stays the fallback that words the errors. These properties hold them to the same verdict on
 * random files, valid and broken, and hold the loader to the answers it gave with zod alone.
 */

const SOURCE = 'accounts.json';

/** Anything a JSON or YAML file could hold where an entry or a value is expected. */
const strayValue = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.integer(),
  fc.boolean(),
  anyString,
  fc.constant([]),
  fc.constant({}),
);

/**
 * Usually `right`, now and then `wrong`: a file has a dozen places to go wrong, and about half the
 * generated files should still be well-formed.
 */
const mostly = <Value>(right: fc.Arbitrary<Value>, wrong: fc.Arbitrary<unknown> = strayValue): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 40, arbitrary: right }, { weight: 1, arbitrary: wrong });

const accessTypeLike = mostly(fc.constantFrom('pop', 'business'), fc.constantFrom('POP', 'imap', '', null));

/** An entry: the keys given, sometimes one dropped, sometimes an unknown one added, sometimes not an object. */
function entry(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const keys = Object.keys(fields);
  const record = fc.record(fields, { requiredKeys: keys });
  return fc.oneof(
    { weight: 40, arbitrary: record },
    {
      weight: 1,
      arbitrary: fc
        .tuple(record, fc.constantFrom(...keys))
        .map(([value, dropped]) => Object.fromEntries(Object.entries(value).filter(([key]) => key !== dropped))),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(record, fc.constantFrom('note', 'displayName', 'domain', '__proto__'), strayValue)
        // A computed "__proto__" is an own key, as JSON.parse makes it.
        .map(([value, key, extra]) => ({ ...value, [key]: extra })),
    },
    { weight: 1, arbitrary: strayValue },
  );
}

const displayNameLike = fc.oneof(
  { weight: 30, arbitrary: displayName },
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('a'.repeat(256), 'a'.repeat(257), 'Bad\u0007', 'Bad\ud800', 'x\uffff') },
  { weight: 1, arbitrary: anyString },
  { weight: 1, arbitrary: strayValue },
);

/** Account files, mostly well-formed, with addresses mostly at their own domains (so the build runs). */
const directoryFile: fc.Arbitrary<unknown> = fc.array(domainName, { minLength: 1, maxLength: 4 }).chain((domains) => {
  const domainEntry = entry({ domain: mostly(fc.constantFrom(...domains)), defaultAccessType: accessTypeLike });
  const address = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(localPart, fc.constantFrom(...domains)).map(([l, d]) => `${l}@${d}`) },
    { weight: 1, arbitrary: addressLike },
  );
  const accountEntry = fc.oneof(
    entry({ address: mostly(address), accessType: accessTypeLike }),
    entry({ address: mostly(address), accessType: accessTypeLike, displayName: displayNameLike }),
  );
  const lists = fc.record(
    {
      domains: mostly(fc.array(domainEntry, { maxLength: 5 })),
      accounts: mostly(fc.array(accountEntry, { maxLength: 8 })),
    },
    { requiredKeys: [] },
  );
  return fc.oneof(
    { weight: 12, arbitrary: lists },
    { weight: 1, arbitrary: lists.map((file) => ({ ...file, comment: 'unknown key' })) },
    { weight: 1, arbitrary: strayValue },
  );
});

describe('account file › the fast shape check and zod agree', () => {
  test('same verdict on every file, and the same entries when both accept', () => {
    fc.assert(
      fc.property(directoryFile, (input) => {
        const fast = wellFormedFile(input);
        const zod = directoryFileSchema.safeParse(input);
        expect(fast !== null).toBe(zod.success);
        if (fast !== null && zod.success) expect(fast).toEqual(zod.data);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  test('the loader gives the answers (or the messages) that zod alone would', () => {
    fc.assert(
      fc.property(directoryFile, (input) => {
        const shaped = checkShapeWithZod(SOURCE, input);
        const throughZod = shaped.ok ? buildDirectoryData(SOURCE, shaped.value) : shaped;
        expect(parseDirectoryData(SOURCE, input)).toEqual(throughZod);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  test('both paths are exercised: generated files are accepted and refused', () => {
    const samples = fc.sample(directoryFile, { numRuns: 500, seed: 8 });
    const accepted = samples.filter((input) => wellFormedFile(input) !== null).length;
    expect(accepted).toBeGreaterThan(100);
    expect(samples.length - accepted).toBeGreaterThan(100);
  });
});
