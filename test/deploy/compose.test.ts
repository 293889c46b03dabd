/**
 * compose.yaml, without Docker: parsed with the yaml package, validated against the Compose
 * Specification's JSON schema (vendored in test/fixtures/compose-spec/, no network) with ajv, checked
 * for what the README promises (two replicas behind Caddy, Redis shared, PostgreSQL only under its
 * profile, no published port but Caddy's), and the config files it mounts loaded by the service's own
 * loader with the environment compose gives the service.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadConfig } from '../../src/config/load';
import { readDirectoryFile } from '../../src/directory/file-directory';
import { REPO_ROOT } from '../support/app';

const COMPOSE_FILE = path.join(REPO_ROOT, 'compose.yaml');
const SCHEMA_FILE = path.join(REPO_ROOT, 'test/fixtures/compose-spec/compose-spec.json');
const SERVICE = 'mail-autodiscover';
/** The folder compose.yaml mounts at CONFIG_DIR in the service, and where it is in the repository. */
const CONFIG_DIR = '/etc/mail-autodiscover';
const CONFIG_SOURCE = './deploy/compose/config';
/** Written by the TLS part of the deployment (README "TLS for every customer domain"), not by this file's part. */
const CADDYFILE = './deploy/caddy/Caddyfile';

function validator(): (document: unknown) => string[] {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
  // The schema names draft-07 as https://json-schema.org/draft-07/schema, which ajv knows only by its
  // canonical address; strict: false because its union types are plain draft-07 that ajv's strict mode flags.
  const ajv = new Ajv({ allErrors: true, strict: false });
  const check = ajv.compile({ ...schema, $schema: 'http://json-schema.org/draft-07/schema#' });
  return (document) =>
    check(document) ? [] : (check.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

const dependency = z.strictObject({
  condition: z.string(),
  required: z.boolean().optional(),
});
const service = z.looseObject({
  image: z.string().optional(),
  profiles: z.array(z.string()).optional(),
  deploy: z.looseObject({ replicas: z.number().optional() }).optional(),
  ports: z.array(z.string()).optional(),
  expose: z.array(z.string()).optional(),
  environment: z.record(z.string(), z.string()).optional(),
  volumes: z.array(z.string()).optional(),
  depends_on: z.record(z.string(), dependency).optional(),
  command: z.array(z.string()).optional(),
  read_only: z.boolean().optional(),
  cap_drop: z.array(z.string()).optional(),
});
const composeFile = z.looseObject({ services: z.record(z.string(), service) });
type ComposeService = z.infer<typeof service>;

const document: unknown = parse(readFileSync(COMPOSE_FILE, 'utf8'));
const compose = composeFile.parse(document);

function serviceNamed(name: string): ComposeService {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`compose.yaml has no service ${name}`);
  return found;
}

/** Compose's `${NAME}` and `${NAME:-default}` interpolation, the only forms compose.yaml uses. */
function interpolate(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(
    /\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}|\$(?!\{)/g,
    (_match, name?: string, fallback?: string) => {
      if (name === undefined) throw new Error(`unsupported interpolation in ${JSON.stringify(text)}`);
      const value = env[name];
      return value !== undefined && value !== '' ? value : (fallback ?? '');
    },
  );
}

/** The environment the service gets from compose.yaml, with `env` as the shell's variables. */
function serviceEnvironment(name: string, env: Readonly<Record<string, string>> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(serviceNamed(name).environment ?? {}).map(([key, value]) => [key, interpolate(value, env)]),
  );
}

/** CONFIG_FILE as the service sees it, mapped to the mounted folder in the repository. */
function configFileInRepository(containerPath: string): string {
  expect(containerPath.startsWith(`${CONFIG_DIR}/`)).toBe(true);
  return path.join(REPO_ROOT, CONFIG_SOURCE, containerPath.slice(CONFIG_DIR.length + 1));
}

describe('compose.yaml', () => {
  it('is valid against the Compose Specification schema', () => {
    expect(validator()(document)).toEqual([]);
  });

  it('the schema check catches a misplaced key (so the clean result above means something)', () => {
    const broken = structuredClone(document) as { services: Record<string, Record<string, unknown>> };
    const app = broken.services[SERVICE];
    if (app === undefined) throw new Error('no service');
    app['replicas'] = 2;
    expect(validator()(broken)).toContainEqual(`/services/${SERVICE} must NOT have additional properties`);
  });

  it('runs two replicas of the service, reachable only through Caddy, sharing one Redis', () => {
    const app = serviceNamed(SERVICE);
    expect(app.deploy?.replicas).toBe(2);
    expect(app.ports).toBeUndefined();
    expect(app.profiles).toBeUndefined();
    expect(app.read_only).toBe(true);
    expect(app.cap_drop).toEqual(['ALL']);
    expect(app.volumes).toEqual([`${CONFIG_SOURCE}:${CONFIG_DIR}:ro`]);
    expect(app.depends_on?.['redis']).toEqual({ condition: 'service_healthy' });

    const redisUrl = new URL(serviceEnvironment(SERVICE)['REDIS_URL'] ?? '');
    expect(serviceNamed(redisUrl.hostname).profiles).toBeUndefined();

    const caddy = serviceNamed('caddy');
    expect(caddy.ports).toEqual(['80:80', '443:443', '443:443/udp']);
    expect(caddy.volumes).toContain(`${CADDYFILE}:/etc/caddy/Caddyfile:ro`);
    expect(caddy.depends_on?.[SERVICE]).toEqual({ condition: 'service_healthy' });
    expect(serviceEnvironment('caddy')['MAIL_AUTODISCOVER_UPSTREAM']).toBe(`${SERVICE}:8080`);
  });

  it('keeps PostgreSQL and its migration under the postgres profile; the service waits for it only there', () => {
    expect(serviceNamed('postgres').profiles).toEqual(['postgres']);
    const migrate = serviceNamed('migrate');
    expect(migrate.profiles).toEqual(['postgres']);
    expect(migrate.image).toBe(serviceNamed(SERVICE).image);
    expect(migrate.command).toEqual(['node', 'dist/cli/main.js', 'migrate']);
    expect(existsSync(path.join(REPO_ROOT, 'src/cli/main.ts'))).toBe(true);
    expect(serviceNamed(SERVICE).depends_on?.['migrate']).toEqual({
      condition: 'service_completed_successfully',
      required: false,
    });
    expect(serviceEnvironment('migrate')['DATABASE_URL']).toBe(serviceEnvironment(SERVICE)['DATABASE_URL']);
  });

  it('mounts only files that exist in the repository, the Caddyfile included', () => {
    const sources = Object.values(compose.services)
      .flatMap((each) => each.volumes ?? [])
      .map((volume) => volume.split(':')[0] ?? '')
      .filter((source) => source.startsWith('./'));
    expect(sources).toContain(CADDYFILE);
    for (const source of sources) expect([source, existsSync(path.join(REPO_ROOT, source))]).toEqual([source, true]);
  });

  it('the default config it mounts passes the service’s own validation: account file readable, metrics off the proxied port', () => {
    const env = serviceEnvironment(SERVICE);
    const loaded = loadConfig({ ...env, CONFIG_FILE: configFileInRepository(env['CONFIG_FILE'] ?? '') });
    if (!loaded.ok) throw new Error(loaded.error.join('\n'));
    const { config, accountsFile } = loaded.value;
    expect(config.cache.redis.url).toBe('redis://redis:6379');
    expect(config.server.workers).toBe(1);
    expect(config.admin.token).toBeNull();
    expect(config.server.trustProxy).toEqual(['uniquelocal']);
    // /metrics on a port of its own, exposed on the compose network but not the one Caddy proxies to.
    expect(config.metrics.port).not.toBeNull();
    expect(serviceNamed(SERVICE).expose).toEqual([String(config.server.port), String(config.metrics.port)]);
    expect(serviceEnvironment('caddy')['MAIL_AUTODISCOVER_UPSTREAM']).toBe(`${SERVICE}:${config.server.port}`);
    expect(accountsFile).not.toBeNull();
    const accounts = readDirectoryFile(accountsFile ?? '');
    if (!accounts.ok) throw new Error(accounts.error.join('\n'));
  });

  it('the PostgreSQL config passes too, its URL from DATABASE_URL, and an admin token from the shell', () => {
    const adminToken = 'a'.repeat(64);
    const env = serviceEnvironment(SERVICE, {
      MAIL_AUTODISCOVER_CONFIG: 'postgres.yaml',
      POSTGRES_PASSWORD: 'from-the-shell',
      ADMIN_TOKEN: adminToken,
      WORKERS: '2',
    });
    const loaded = loadConfig({ ...env, CONFIG_FILE: configFileInRepository(env['CONFIG_FILE'] ?? '') });
    if (!loaded.ok) throw new Error(loaded.error.join('\n'));
    const { config } = loaded.value;
    expect(config.directory).toMatchObject({
      type: 'postgres',
      url: 'postgres://mail:from-the-shell@postgres:5432/mail',
    });
    expect(config.admin.token).toBe(adminToken);
    expect(config.server.workers).toBe(2);
    expect(serviceEnvironment('postgres', { POSTGRES_PASSWORD: 'from-the-shell' })['POSTGRES_PASSWORD']).toBe(
      'from-the-shell',
    );
  });
});
