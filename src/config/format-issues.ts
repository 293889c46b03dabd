import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/**
 * One line per problem: the key's full path, what is wrong, and the value that was given. `sourceOf`
 * names another source for some keys (the environment variable that set them); `source` is the rest's.
 */
export function formatIssues(
  source: string,
  issues: readonly Issue[],
  sourceOf: (path: readonly PropertyKey[]) => string | undefined = () => undefined,
): string[] {
  return issues.map((issue) => {
    const key = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    const given = 'input' in issue && issue.input !== undefined ? `, got ${JSON.stringify(issue.input)}` : '';
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((name) => `"${name}"`).join(', ');
      return `${source}: ${key} has unknown key(s) ${keys}; remove them or fix the spelling (see README "Configuration")`;
    }
    const variable = sourceOf(issue.path);
    const subject = variable === undefined ? `${source}: ${key}` : `environment: ${variable} (${key})`;
    return `${subject} ${ownWords(issue)}${given}`;
  });
}

/**
 * The schema's own message, or, where none was written, one in the house style instead of zod's
 * generic "Invalid input: expected object, received number". zod's messages start with a capital
 * letter and ours with a verb in lower case ("must …", "is …"), which tells them apart.
 */
function ownWords(issue: Issue): string {
  if (!/^[A-Z]/.test(issue.message)) return issue.message;
  const last = issue.path.at(-1);
  const yamlKey = typeof last === 'string' ? `"${last}:"` : 'the key';
  switch (issue.code) {
    case 'invalid_type': {
      const wanted = TYPE_WORDS[issue.expected]?.(yamlKey) ?? `a value of type ${issue.expected}`;
      return issue.input === undefined ? `is missing; it must be ${wanted}` : `must be ${wanted}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'too_small':
      return sizeLimit(issue.origin, 'at least', issue.minimum, issue.inclusive === true);
    case 'too_big':
      return sizeLimit(issue.origin, 'at most', issue.maximum, issue.inclusive === true);
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue && typeof issue.pattern === 'string'
        ? `must match ${issue.pattern}`
        : `must be a valid ${issue.format}`;
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
    case 'unrecognized_keys':
    case 'custom':
      return 'is not a value this key accepts; see README "Configuration" for its form';
  }
}

/** What a value of each type looks like in a config file; the YAML hint names the key being set. */
const TYPE_WORDS: Readonly<Record<string, (yamlKey: string) => string>> = {
  object: (yamlKey) => `a section of settings: an object {…} in JSON, keys indented below ${yamlKey} in YAML`,
  array: (yamlKey) => `a list: [ … ] in JSON, "- " items indented below ${yamlKey} in YAML`,
  string: () => 'text in quotes',
  number: () => 'a number',
  int: () => 'a whole number',
  boolean: () => 'true or false',
  null: () => 'null',
};

function sizeLimit(origin: string, bound: 'at least' | 'at most', limit: number | bigint, inclusive: boolean): string {
  const strict = inclusive ? '' : bound === 'at least' ? ' more than' : ' less than';
  const words = strict === '' ? `${bound} ${String(limit)}` : `${strict.trim()} ${String(limit)}`;
  if (origin === 'string')
    return bound === 'at least' && limit === 1 && inclusive ? 'must not be empty' : `must have ${words} characters`;
  if (origin === 'array' || origin === 'set') return `must list ${words} item(s)`;
  return `must be ${words}`;
}
