/** What `npm run bench` passes every bench (bench/run.ts). */
export interface BenchOptions {
  /** The short version: fewer, shorter rounds and smaller data. */
  readonly quick: boolean;
}
