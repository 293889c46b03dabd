import type { Result } from '../model/result';

/**
 * One environment variable that overrides one key of the config file, declared in the schema file of
 * the section that holds the key. An empty variable counts as unset.
 */
export interface EnvironmentBinding {
  readonly variable: string;
  /** The key it sets, from the top of the config file, e.g. ["server", "port"]. */
  readonly path: readonly [string, ...string[]];
  /** Text to the file's value; without it the text is used as is. An error is reported as a problem. */
  readonly parse?: (text: string) => Result<unknown, string>;
  /**
   * Applied only when the object holding the key has these values, e.g. `{ type: "postgres" }`: a
   * variable meant for another kind of directory is then harmless.
   */
  readonly onlyWhen?: Readonly<Record<string, string>>;
}
