import type { z } from 'zod';

/** One line per problem: the key's full path, what is wrong, and the value that was given. */
export function formatIssues(source: string, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const key = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    const given = 'input' in issue && issue.input !== undefined ? `, got ${JSON.stringify(issue.input)}` : '';
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((name) => `"${name}"`).join(', ');
      return `${source}: ${key} has unknown key(s) ${keys}; remove them or fix the spelling (see README "Configuration")`;
    }
    return `${source}: ${key} ${issue.message}${given}`;
  });
}
