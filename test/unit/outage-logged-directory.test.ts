import {
  DirectoryDataError,
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

test('a record the checks refuse (a bad platform) › logged once per problem, no outage, other lookups go on', async () => {
  const warn = jest.fn<undefined, unknown[]>();
  const info = jest.fn<undefined, unknown[]>();
  const problem =
    'PostgreSQL directory: mail_domains.platform (domain "hosting02.example"): businessMail.ewsUrl must be …';
  const source: AccountDirectory = {
    lookup: async (query) => {
      if (query.domain === 'hosting02.example') throw new DirectoryDataError(problem);
      return HOSTED;
    },
    close: async () => undefined,
  };
  const directory = new OutageLoggedDirectory(source, { warn, info });
  const broken = { domain: 'hosting02.example', address: null };
  for (let i = 0; i < 3; i++) {
    // Still the protocols' temporary error for that domain.
    await expect(directory.lookup(broken)).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await expect(directory.lookup(QUERY)).resolves.toBe(HOSTED);
  }
  expect(warn).toHaveBeenCalledTimes(1);
  expect(warn).toHaveBeenCalledWith({ problem }, expect.stringContaining('a record the checks refuse'));
  expect(info).not.toHaveBeenCalled();
});
