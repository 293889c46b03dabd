/** URLs of the real backends found by global-setup.ts, or undefined when not reachable (suites skip). */
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'];
export const TEST_POSTGRES_URL = process.env['TEST_POSTGRES_URL'];

/** `describe` when Redis is reachable, otherwise a skipped describe (global-setup printed why). */
export const describeWithRedis: jest.Describe = TEST_REDIS_URL === undefined ? describe.skip : describe;
export const describeWithPostgres: jest.Describe = TEST_POSTGRES_URL === undefined ? describe.skip : describe;

/** A key prefix / schema name unique to this test file run, so parallel runs never collide. */
export function uniqueTestNamespace(label: string): string {
  return `test_${label}_${process.pid}_${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}
