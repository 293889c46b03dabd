/**
 * What a command of the `mail-autodiscover` tool ends with: the exit code and the text for stdout
 * (code 0, or `report`) or stderr. Codes: 0 done, 1 failed (the reason is in the message), 2 usage.
 * `report`: the message is the command's result even with code 1 (selfcheck's table of findings).
 */
export type Outcome = { readonly code: 0 | 1 | 2; readonly message: string; readonly report?: true };

export const done = (message: string): Outcome => ({ code: 0, message });

/** Configuration problems as start-up lists them, one per line. */
export function listProblems(prefix: string, headline: string, problems: readonly string[]): Outcome {
  return {
    code: 1,
    message: `${prefix}: ${headline}; fix these:\n${problems.map((line) => `  - ${line}`).join('\n')}`,
  };
}
