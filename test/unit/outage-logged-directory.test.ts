import {
  DirectoryUnavailableError,
  type AccountDirectory,
  type DirectoryAnswer,
} from '../../src/directory/account-directory';
import { OutageLoggedDirectory } from '../../src/directory/outage-logged-directory';

const HOSTED: DirectoryAnswer = { hosted: true, accessType: 'pop', mailbox: 'known', displayName: null };
const QUERY = { domain: 'example.com', address: 'pop.user@example.com' };

function scriptedSource(outcomes: Array<'ok' | 'down' | 'bug'>): AccountDirectory {
  return {
    lookup: async () => {
      const next = outcomes.shift();
      if (next === 'down') throw new DirectoryUnavailableError('PostgreSQL at db:5432 refused the connection');
      if (next === 'bug') throw new TypeError('boom');
      return HOSTED;
    },
    close: async () => undefined,
  };
}

test('an outage › one warning when it starts, one info line when it ends, errors still thrown', async () => {
  const warn = jest.fn<undefined, unknown[]>();
  const info = jest.fn<undefined, unknown[]>();
  const directory = new OutageLoggedDirectory(scriptedSource(['ok', 'down', 'down', 'down', 'ok', 'ok']), {
    warn,
    info,
  });
  const outcomes: string[] = [];
  for (let i = 0; i < 6; i++) {
    outcomes.push(
      await directory.lookup(QUERY).then(
        () => 'ok',
        (error: unknown) => (error instanceof DirectoryUnavailableError ? 'down' : 'other'),
      ),
    );
  }
  expect(outcomes).toEqual(['ok', 'down', 'down', 'down', 'ok', 'ok']);
  expect(warn).toHaveBeenCalledTimes(1);
  expect(warn.mock.calls[0]?.[0]).toEqual({ reason: 'PostgreSQL at db:5432 refused the connection' });
  expect(info).toHaveBeenCalledTimes(1);
});

test('an unexpected error › rethrown, not counted as an outage', async () => {
  const warn = jest.fn();
  const info = jest.fn();
  const directory = new OutageLoggedDirectory(scriptedSource(['bug', 'ok']), { warn, info });
  await expect(directory.lookup(QUERY)).rejects.toThrow(TypeError);
  await expect(directory.lookup(QUERY)).resolves.toEqual(HOSTED);
  expect(warn).not.toHaveBeenCalled();
  expect(info).not.toHaveBeenCalled();
});
