import { readDataFile } from '../config/read-data-file';
import { err, ok, type Result } from '../model/result';
import type { AccountDirectory, AccountQuery, DirectoryAnswer } from './account-directory';
import { answerFromData, parseDirectoryData, type DirectoryData } from './directory-data';

/** Reads and validates a JSON/YAML account file; every problem is listed. */
export function readDirectoryFile(path: string): Result<DirectoryData, string[]> {
  const raw = readDataFile(path);
  if (!raw.ok) return err([raw.error]);
  return parseDirectoryData(path, raw.value);
}

/** The account directory kept in a file next to the config (the embedded default). */
export class FileDirectory implements AccountDirectory {
  private constructor(private data: DirectoryData) {}

  static open(path: string): Result<FileDirectory, string[]> {
    const data = readDirectoryFile(path);
    return data.ok ? ok(new FileDirectory(data.value)) : data;
  }

  static fromData(data: DirectoryData): FileDirectory {
    return new FileDirectory(data);
  }

  async lookup(query: AccountQuery): Promise<DirectoryAnswer> {
    return answerFromData(this.data, query);
  }

  async close(): Promise<void> {}
}
