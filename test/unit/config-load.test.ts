import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../../src/config/load';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mail-autodiscover-config-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `name` in the temp folder: an object as JSON, a string as is. */
function writeConfig(name: string, content: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

function load(name: string, env: Readonly<Record<string, string>> = {}) {
  return loadConfig({ CONFIG_FILE: name, ...env }, dir);
}

/**
 * problems(), from a process that mode bits apply to: root reads a mode-000 file, and CI runs as
 * root, so there the config is loaded in a child running as `nobody` (uid 65534).
 */
function problemsAsUnprivilegedUser(name: string): string[] {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return problems(name);
  chmodSync(dir, 0o755);
  const script =
    `const { loadConfig } = require(${JSON.stringify(require.resolve('../../src/config/load'))});` +
    `const result = loadConfig({ CONFIG_FILE: ${JSON.stringify(name)} }, ${JSON.stringify(dir)});` +
    'process.stdout.write(JSON.stringify(result.ok ? null : result.error));';
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    uid: 65534,
    gid: 65534,
    encoding: 'utf8',
    env: { ...process.env, TSX_TSCONFIG_PATH: path.resolve(__dirname, '../../tsconfig.json') },
  });
  if (child.status !== 0) throw new Error(`the unprivileged child failed: ${child.stderr}`);
  const errors = JSON.parse(child.stdout) as string[] | null;
  if (errors === null) throw new Error('config was accepted');
  return errors;
}

function loaded(name: string, env: Readonly<Record<string, string>> = {}): LoadedConfig {
  const result = load(name, env);
  if (!result.ok) throw new Error(`config refused:\n${result.error.join('\n')}`);
  return result.value;
}

function problems(name: string, env: Readonly<Record<string, string>> = {}): string[] {
  const result = load(name, env);
  if (result.ok) throw new Error('config was accepted');
  return result.error;
}

describe('loadConfig › success', () => {
  test('empty object › every default filled in, the account file resolved next to the config file', () => {
    const file = writeConfig('config.json', {});
    const result = loaded('config.json');
    expect(result.configFile).toBe(file);
    expect(result.accountsFile).toBe(path.join(dir, 'accounts.json'));
    expect(result.config.server.port).toBe(8080);
    expect(result.config.businessMail.windowsDomain).toBe('hosting01');
    expect(result.config.popAccess.preferredIncoming).toBe('imap');
  });

  test('result › frozen, so nothing changes it after start-up', () => {
    writeConfig('config.json', {});
    const { config } = loaded('config.json');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.popAccess.smtp)).toBe(true);
  });

  test('YAML config file (.yaml) › read like JSON', () => {
    writeConfig('config.yaml', 'server:\n  port: 9090\nbusinessMail:\n  windowsDomain: hosting02\n');
    const { config } = loaded('config.yaml');
    expect(config.server.port).toBe(9090);
    expect(config.businessMail.windowsDomain).toBe('hosting02');
  });

  test('YAML config file (.yml) › read too', () => {
    writeConfig('config.yml', 'popAccess:\n  preferredIncoming: pop3\n');
    expect(loaded('config.yml').config.popAccess.preferredIncoming).toBe('pop3');
  });

  test('PORT, HOST and LOG_LEVEL environment › override the file', () => {
    writeConfig('config.json', { server: { port: 1111, host: '127.0.0.1' } });
    const { config } = loaded('config.json', { PORT: '2222', HOST: '::', LOG_LEVEL: 'warn' });
    expect(config.server.port).toBe(2222);
    expect(config.server.host).toBe('::');
    expect(config.log.level).toBe('warn');
  });

  test('empty PORT environment › ignored, the file wins', () => {
    writeConfig('config.json', { server: { port: 1111 } });
    expect(loaded('config.json', { PORT: '' }).config.server.port).toBe(1111);
  });
});

describe('loadConfig › defaults that depend on other settings, resolved when loading', () => {
  test.each([
    ['no https, not set', {}, false],
    ['https set, not set', { https: { certFile: 'cert.pem', keyFile: 'key.pem' } }, true],
    [
      'https set, turned off',
      { https: { certFile: 'cert.pem', keyFile: 'key.pem' }, redirectPlainHttpAutodiscover: false },
      false,
    ],
    ['no https, turned on (behind a proxy)', { redirectPlainHttpAutodiscover: true }, true],
    ['no https, null (the default written out)', { redirectPlainHttpAutodiscover: null }, false],
  ])('server.redirectPlainHttpAutodiscover › %s › %s', (_label, server, expected) => {
    writeConfig('config.json', { server });
    expect(loaded('config.json').config.server.redirectPlainHttpAutodiscover).toBe(expected);
  });

  test('businessMail.activeDirectoryServer › null by default; a host name is kept; anything else named and refused', () => {
    writeConfig('default.json', {});
    expect(loaded('default.json').config.businessMail.activeDirectoryServer).toBeNull();
    writeConfig('gc.json', { businessMail: { activeDirectoryServer: 'gc.mamutmail.com' } });
    expect(loaded('gc.json').config.businessMail.activeDirectoryServer).toBe('gc.mamutmail.com');
    writeConfig('bad.json', { businessMail: { activeDirectoryServer: 'ldap://gc' } });
    expect(problems('bad.json').join('\n')).toMatch(/businessMail\.activeDirectoryServer must be a host name/);
  });

  test('businessMail.smtp not set › the POP access servers, as configured', () => {
    const smtp = [{ host: 'smtp.example.net', port: 465, socket: 'tls' }];
    writeConfig('config.json', { popAccess: { smtp } });
    expect(loaded('config.json').config.businessMail.smtp).toEqual(smtp);
  });

  test('businessMail.smtp set › its own servers', () => {
    const smtp = [{ host: 'exchange.example.net', port: 587, socket: 'starttls' }];
    writeConfig('config.json', { businessMail: { smtp } });
    const { config } = loaded('config.json');
    expect(config.businessMail.smtp).toEqual(smtp);
    expect(config.popAccess.smtp).not.toEqual(smtp);
  });

  test.each([
    ['settings mode › null, whatever the URL', { outlookRedirectUrl: 'https://exchange.example.net/a.xml' }, null],
    [
      'redirect mode › the default URL',
      { outlookMode: 'redirect' },
      'https://mamutmail.com/Autodiscover/Autodiscover.xml',
    ],
    [
      'redirect mode › the configured URL',
      { outlookMode: 'redirect', outlookRedirectUrl: 'https://exchange.example.net/a.xml' },
      'https://exchange.example.net/a.xml',
    ],
  ])('businessMail.outlookRedirectUrl › %s', (_label, businessMail, expected) => {
    writeConfig('config.json', { businessMail });
    expect(loaded('config.json').config.businessMail.outlookRedirectUrl).toBe(expected);
  });
});

describe('loadConfig › environment', () => {
  test('REDIS_URL with no cache section › the sections on the way are created', () => {
    writeConfig('config.json', {});
    expect(loaded('config.json', { REDIS_URL: 'redis://10.0.0.5:6379' }).config.cache.redis.url).toBe(
      'redis://10.0.0.5:6379',
    );
  });

  test('a section that is not an object › reported by the schema, not replaced by the variable', () => {
    writeConfig('config.json', { server: 'fast', cache: 5 });
    const messages = problems('config.json', { PORT: '8081', REDIS_URL: 'redis://10.0.0.5:6379' });
    expect(messages).toEqual([
      expect.stringContaining('config.json: server '),
      expect.stringContaining('config.json: cache '),
    ]);
  });

  test('DATABASE_URL and DIRECTORY_HTTP_TOKEN › each only for its directory type', () => {
    writeConfig('config.json', { directory: { type: 'http', urlTemplate: 'https://admin.example/d?domain={domain}' } });
    const { config } = loaded('config.json', { DATABASE_URL: 'postgres://x@db/mail', DIRECTORY_HTTP_TOKEN: 'tok' });
    expect(config.directory).toMatchObject({ type: 'http', bearerToken: 'tok' });
    expect(config.directory).not.toHaveProperty('url');
  });
});

describe('loadConfig › failure messages', () => {
  test('bad values › each key named with its full path and the value given', () => {
    writeConfig('config.json', {
      server: { port: 70000 },
      popAccess: { imap: { host: 'mamutmail.com', port: 993, socket: 'plain' } },
      businessMail: { outlookMode: 'proxy', owaUrl: 'http://mamutmail.com/owa/' },
    });
    const messages = problems('config.json');
    const about = (key: string) => messages.filter((message) => message.includes(` ${key} `));
    expect(about('server.port')).toEqual([expect.stringContaining('70000')]);
    expect(about('popAccess.imap.socket')).toEqual([expect.stringContaining('"plain"')]);
    expect(about('businessMail.outlookMode')).toEqual([expect.stringContaining('"proxy"')]);
    expect(about('businessMail.owaUrl')).toEqual([expect.stringContaining('https://')]);
    // Each message names the file it is about.
    for (const message of messages) expect(message.startsWith(path.join(dir, 'config.json'))).toBe(true);
  });

  test('several problems › all reported at once, one line each', () => {
    writeConfig('config.json', { server: { port: 'eighty' }, provider: { id: 'not a host' }, popAccess: { smtp: [] } });
    const messages = problems('config.json');
    expect(messages).toHaveLength(3);
    expect(messages.some((message) => message.includes('server.port'))).toBe(true);
    expect(messages.some((message) => message.includes('provider.id'))).toBe(true);
    expect(messages.some((message) => message.includes('popAccess.smtp'))).toBe(true);
    for (const message of messages) expect(message).not.toContain('\n');
  });

  test('unknown keys › named, at the top level and inside a section', () => {
    writeConfig('config.json', { sever: { port: 8080 }, popAccess: { preferedIncoming: 'imap' } });
    const messages = problems('config.json');
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\(top level\).*"sever"/),
        expect.stringMatching(/popAccess.*"preferedIncoming"/),
      ]),
    );
  });

  test.each(['99999', '0', 'http', '80.5'])(
    'PORT=%s in the environment › named as the environment variable',
    (port) => {
      writeConfig('config.json', {});
      expect(problems('config.json', { PORT: port })).toEqual([
        expect.stringMatching(new RegExp(`^environment: PORT .*${JSON.stringify(port).replace('.', '\\.')}`)),
      ]);
    },
  );

  test('a server timeout out of range › the uniform milliseconds message', () => {
    writeConfig('config.json', { server: { headersTimeoutMs: 50 } });
    expect(problems('config.json')).toEqual([
      `${path.join(dir, 'config.json')}: server.headersTimeoutMs must be a whole number of milliseconds from 100 to 600000, got 50`,
    ]);
  });

  test('bad PORT and a bad file value › both reported', () => {
    writeConfig('config.json', { popAccess: { preferredIncoming: 'smtp' } });
    const messages = problems('config.json', { PORT: 'x' });
    expect(messages).toHaveLength(2);
    expect(messages).toEqual(
      expect.arrayContaining([expect.stringContaining('PORT'), expect.stringContaining('popAccess.preferredIncoming')]),
    );
  });

  test('missing file › the path and ENOENT named', () => {
    const messages = problems('does-not-exist.json');
    expect(messages).toEqual([expect.stringContaining(path.join(dir, 'does-not-exist.json'))]);
    expect(messages[0]).toContain('ENOENT');
  });

  test('unreadable file (mode 000) › the path and EACCES named', () => {
    const file = writeConfig('config.json', {});
    chmodSync(file, 0o000);
    expect(problemsAsUnprivilegedUser('config.json')).toEqual([expect.stringMatching(/config\.json.*EACCES/)]);
  });

  test('a folder instead of a file (unreadable as a file, even for root) › the path and EISDIR named', () => {
    expect(problems('.')).toEqual([expect.stringContaining(`${dir}: cannot be read (EISDIR)`)]);
  });

  test('JSON syntax error › "is not valid JSON" with the parser’s reason', () => {
    writeConfig('config.json', '{ "server": { "port": 8080, } }');
    expect(problems('config.json')).toEqual([expect.stringMatching(/config\.json: is not valid JSON \(.+\)/)]);
  });

  test('YAML syntax error › "is not valid YAML"', () => {
    writeConfig('config.yaml', 'server:\n  port: [8080\n');
    expect(problems('config.yaml')).toEqual([expect.stringMatching(/config\.yaml: is not valid YAML/)]);
  });

  test.each([
    ['an array', '[]'],
    ['a number', '42'],
    ['null', 'null'],
  ])('file holding %s › must hold an object of settings', (_label, text) => {
    writeConfig('config.json', text);
    expect(problems('config.json')).toEqual([expect.stringContaining('must hold an object of settings')]);
  });
});

/** Where the schema has no message of its own, format-issues.ts words zod's generic one in the house style. */
describe('loadConfig › no raw validator text', () => {
  const file = () => path.join(dir, 'config.yaml');
  const ZOD_WORDING = /Invalid input|Invalid option|expected \w+, received|Too (small|big):|Invalid string/;

  test.each<[string, string, string]>([
    [
      'a section given as a number (YAML `server: 5`)',
      'server: 5\n',
      'server must be a section of settings: an object {…} in JSON, keys indented below "server:" in YAML, got 5',
    ],
    [
      'a list given as text (YAML `popAccess.smtp: "x"`)',
      'popAccess:\n  smtp: "x"\n',
      'popAccess.smtp must be a list: [ … ] in JSON, "- " items indented below "smtp:" in YAML, got "x"',
    ],
    [
      'a section given as a list',
      'cache: []\n',
      'cache must be a section of settings: an object {…} in JSON, keys indented below "cache:" in YAML, got []',
    ],
    [
      'an unknown log level in the file',
      'log:\n  level: verbose\n',
      'log.level must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent", got "verbose"',
    ],
    ['text for a number', 'cache:\n  ttlSeconds: soon\n', 'cache.ttlSeconds must be a number, got "soon"'],
    [
      'text for a flag',
      'privacy:\n  revealDisplayNames: "yes"\n',
      'privacy.revealDisplayNames must be true or false, got "yes"',
    ],
    ['a number for text', 'provider:\n  id: 5\n', 'provider.id must be text in quotes, got 5'],
    ['an empty text', 'server:\n  host: ""\n', 'server.host must not be empty, got ""'],
    [
      'a number under its minimum',
      'server:\n  maxBodyBytes: 100\n',
      'server.maxBodyBytes must be at least 512, got 100',
    ],
  ])('%s › the key, what it must be and the value given', (_label, yaml, message) => {
    writeConfig('config.yaml', yaml);
    expect(problems('config.yaml')).toEqual([`${file()}: ${message}`]);
  });

  test('a required key with no message of its own › "is missing", and what it must be', () => {
    writeConfig('config.yaml', 'popAccess:\n  imap:\n    port: 993\n    socket: tls\n');
    const messages = problems('config.yaml');
    expect(messages).toEqual([`${file()}: popAccess.imap.host is missing; it must be text in quotes`]);
  });

  test('every wrong type at once › no zod wording left', () => {
    writeConfig(
      'config.yaml',
      [
        'server: {port: x, workers: many, https: {port: 0}}',
        'provider: {id: 5, name: ""}',
        'popAccess: {imap: {host: 5, port: x, socket: ssl}, smtp: []}',
        'cache: {ttlSeconds: x, redis: {url: 5}}',
        'metrics: {enabled: x, port: y}',
        'directory: {type: postgres, poolMax: x}',
        'appleProfileSigning: 5',
        'log: debug',
      ].join('\n'),
    );
    const messages = problems('config.yaml');
    expect(messages.length).toBeGreaterThan(10);
    for (const message of messages) expect(message).not.toMatch(ZOD_WORDING);
  });

  test('LOG_LEVEL not a level › blamed on the variable, not on the config file', () => {
    writeConfig('config.yaml', 'log:\n  level: info\n');
    expect(problems('config.yaml', { LOG_LEVEL: 'verbose' })).toEqual([
      'environment: LOG_LEVEL (log.level) must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent", got "verbose"',
    ]);
  });

  test('HOST empty in the file, set by the variable › the variable wins and is not blamed for the file', () => {
    writeConfig('config.yaml', 'server:\n  host: ""\n');
    expect(loaded('config.yaml', { HOST: '127.0.0.1' }).config.server.host).toBe('127.0.0.1');
  });

  test('a bad DATABASE_URL › blamed on the variable', () => {
    writeConfig('config.yaml', 'directory:\n  type: postgres\n  url: postgres://db.example/mail\n');
    expect(problems('config.yaml', { DATABASE_URL: 'mysql://db.example/mail' })).toEqual([
      'environment: DATABASE_URL (directory.url) must be a postgres:// or postgresql:// URL such as "postgres://mail@db.example:5432/mail", got "mysql://db.example/mail"',
    ]);
  });
});
