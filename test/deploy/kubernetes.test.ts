/**
 * deploy/kubernetes/, without a cluster: every manifest the kustomization lists is validated against
 * the Kubernetes OpenAPI schemas with kubernetes-models (offline), its field names checked against
 * kubernetes-models' TypeScript types (the schemas accept unknown fields; the compiler's excess-property
 * check does not, so `readinesProbe` fails here as the API server would warn), then checked for what the README
 * promises: at least two pods, probes on /healthz and /readyz at the port the config serves, a
 * non-root read-only container without capabilities, resources set, the autoscaler and the
 * disruption budget on the same pods, an example Secret without values; and the ConfigMap's config,
 * mounted as the pod sees it with the pod's environment, passes the service's own validation.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service, type IContainer } from 'kubernetes-models/v1';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { loadConfig } from '../../src/config/load';
import { readDirectoryFile } from '../../src/directory/file-directory';
import { REPO_ROOT } from '../support/app';

const FOLDER = path.join(REPO_ROOT, 'deploy/kubernetes');

const kustomizationSchema = z.strictObject({
  apiVersion: z.literal('kustomize.config.k8s.io/v1beta1'),
  kind: z.literal('Kustomization'),
  namespace: z.string(),
  resources: z.array(z.string()),
  images: z.array(z.strictObject({ name: z.string(), newName: z.string(), newTag: z.string() })),
});
const kustomization = kustomizationSchema.parse(parseYaml('kustomization.yaml')[0]);

function parseYaml(file: string): unknown[] {
  return parseAllDocuments(readFileSync(path.join(FOLDER, file), 'utf8')).map((document) => {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.join('; ')}`);
    return document.toJS() as unknown;
  });
}

/** The kubernetes-models class of each kind shipped here: its constructor and `validate()`. */
const MODELS = {
  'v1/Namespace': (json: object) => new Namespace(json),
  'v1/ConfigMap': (json: object) => new ConfigMap(json),
  'v1/Secret': (json: object) => new Secret(json),
  'v1/Service': (json: object) => new Service(json),
  'apps/v1/Deployment': (json: object) => new Deployment(json),
  'autoscaling/v2/HorizontalPodAutoscaler': (json: object) => new HorizontalPodAutoscaler(json),
  'policy/v1/PodDisruptionBudget': (json: object) => new PodDisruptionBudget(json),
} as const;
type KindKey = keyof typeof MODELS;

/** The kubernetes-models type of each kind, for the field-name check. */
const TYPES: Readonly<Record<KindKey, { readonly module: string; readonly type: string }>> = {
  'v1/Namespace': { module: 'kubernetes-models/v1', type: 'INamespace' },
  'v1/ConfigMap': { module: 'kubernetes-models/v1', type: 'IConfigMap' },
  'v1/Secret': { module: 'kubernetes-models/v1', type: 'ISecret' },
  'v1/Service': { module: 'kubernetes-models/v1', type: 'IService' },
  'apps/v1/Deployment': { module: 'kubernetes-models/apps/v1', type: 'IDeployment' },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    module: 'kubernetes-models/autoscaling/v2',
    type: 'IHorizontalPodAutoscaler',
  },
  'policy/v1/PodDisruptionBudget': { module: 'kubernetes-models/policy/v1', type: 'IPodDisruptionBudget' },
};

/**
 * Type-checks each manifest as an object literal of its kubernetes-models type, in a source file that
 * exists only in memory (beside this test, so the package resolves), and returns the compiler's messages.
 */
function fieldNameProblems(objects: ReadonlyArray<{ readonly key: KindKey; readonly json: object }>): string[] {
  const file = path.join(__dirname, '__manifests__.ts');
  const source = [
    ...objects.map(({ key }, index) => `import type { ${TYPES[key].type} as T${index} } from '${TYPES[key].module}';`),
    ...objects.map(({ json }, index) => `export const m${index}: T${index} = ${JSON.stringify(json)};`),
  ].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
  };
  const host = ts.createCompilerHost(options);
  const realSourceFile = host.getSourceFile.bind(host);
  const realFileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, source, language) : realSourceFile(name, language, ...rest);
  host.fileExists = (name) => name === file || realFileExists(name);
  return ts
    .getPreEmitDiagnostics(ts.createProgram([file], options, host))
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '));
}

const typeMeta = z.looseObject({ apiVersion: z.string(), kind: z.string() });

function keyOf(json: unknown): KindKey {
  const { apiVersion, kind } = typeMeta.parse(json);
  const key = `${apiVersion}/${kind}`;
  if (!(key in MODELS)) throw new Error(`${key} is not a kind these tests know how to validate`);
  return key as KindKey;
}

const manifests = kustomization.resources.flatMap((file) =>
  parseYaml(file).map((json) => ({ file, key: keyOf(json), json: json as object })),
);

function only<K extends KindKey>(key: K): ReturnType<(typeof MODELS)[K]> {
  const found = manifests.filter((manifest) => manifest.key === key);
  const [first] = found;
  if (first === undefined || found.length !== 1) throw new Error(`expected one ${key}, found ${found.length}`);
  return MODELS[key](first.json) as ReturnType<(typeof MODELS)[K]>;
}

const deployment = only('apps/v1/Deployment');
const podSpec = deployment.spec?.template.spec;
const podLabels = deployment.spec?.template.metadata?.labels ?? {};
const configMap = only('v1/ConfigMap');
const secret = only('v1/Secret');

function theContainer(): IContainer {
  const [container, ...others] = podSpec?.containers ?? [];
  if (container === undefined || others.length > 0) throw new Error('the pod must run exactly one container');
  return container;
}
const container = theContainer();

function envValue(name: string): string | undefined {
  return container.env?.find((variable) => variable.name === name)?.value;
}

/** A probe's or Service's port, a number or the name of one of the container's ports, as a number. */
function containerPortNumber(port: number | string | undefined): number | undefined {
  return typeof port === 'number'
    ? port
    : container.ports?.find((containerPort) => containerPort.name === port)?.containerPort;
}

function cores(quantity: string | number | undefined): number {
  if (typeof quantity === 'number') return quantity;
  if (quantity === undefined) return Number.NaN;
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

/**
 * The ConfigMap written out as the kubelet mounts it, and the container's environment with each
 * Secret reference resolved from secret.yaml (an empty value, as in the example, is passed as empty).
 */
function podView(secretValues: Readonly<Record<string, string>> = {}): {
  env: Record<string, string>;
  folder: string;
} {
  const mount = container.volumeMounts?.find((each) => {
    const volume = podSpec?.volumes?.find((candidate) => candidate.name === each.name);
    return volume?.configMap?.name === configMap.metadata?.name;
  });
  if (mount === undefined) throw new Error('the ConfigMap is not mounted');
  const folder = mkdtempSync(path.join(tmpdir(), 'mail-autodiscover-configmap-'));
  for (const [name, content] of Object.entries(configMap.data ?? {})) writeFileSync(path.join(folder, name), content);
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    const reference = variable.valueFrom?.secretKeyRef;
    if (reference !== undefined) {
      expect(reference.name).toBe(secret.metadata?.name);
      env[variable.name] = secretValues[reference.key] ?? secret.stringData?.[reference.key] ?? '';
    } else {
      env[variable.name] = (variable.value ?? '').replace(mount.mountPath, folder);
    }
  }
  return { env, folder };
}

describe('deploy/kubernetes', () => {
  it('the kustomization lists every manifest in the folder', () => {
    const files = readdirSync(FOLDER).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    expect(kustomization.images.map((image) => image.name)).toEqual([container.image]);
  });

  it.each(manifests.map((manifest) => [`${manifest.file}: ${manifest.key}`, manifest] as const))(
    '%s is valid against the Kubernetes schema',
    (_name, manifest) => {
      expect(() => {
        MODELS[manifest.key](manifest.json).validate();
      }).not.toThrow();
    },
  );

  it('uses only field names Kubernetes knows; a misspelt one is caught', () => {
    const deploymentJson = manifests.find((manifest) => manifest.key === 'apps/v1/Deployment')?.json ?? {};
    const misspelt = JSON.parse(
      JSON.stringify(deploymentJson).replace('"readinessProbe"', '"readinesProbe"'),
    ) as object;
    expect(fieldNameProblems([...manifests, { key: 'apps/v1/Deployment', json: misspelt }])).toEqual([
      expect.stringContaining(`'"readinesProbe"' does not exist in type 'IContainer'`),
    ]);
  });

  it('the schema check catches a wrong type (so the results above mean something)', () => {
    const source = manifests.find((manifest) => manifest.key === 'apps/v1/Deployment')?.json as { spec: object };
    // A YAML slip that TypeScript would have stopped: `replicas: two`.
    const broken = { ...source, spec: { ...source.spec, replicas: 'two' } };
    expect(() => {
      new Deployment(broken as unknown as ConstructorParameters<typeof Deployment>[0]).validate();
    }).toThrow('must be integer');
  });

  it('runs at least two pods, never fewer under the autoscaler or a drain', () => {
    expect(deployment.spec?.replicas).toBeGreaterThanOrEqual(2);
    const hpa = only('autoscaling/v2/HorizontalPodAutoscaler');
    expect(hpa.spec?.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.metadata?.name,
    });
    expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec?.maxReplicas).toBeGreaterThan(hpa.spec?.minReplicas ?? 0);
    const pdb = only('policy/v1/PodDisruptionBudget');
    expect(pdb.spec?.maxUnavailable).toBe(1);
    expect(pdb.spec?.selector?.matchLabels).toEqual(deployment.spec?.selector.matchLabels);
    expect(podLabels).toMatchObject(deployment.spec?.selector.matchLabels ?? { missing: true });
  });

  it('the Service reaches the pods on their HTTP port', () => {
    const service = only('v1/Service');
    expect(podLabels).toMatchObject(service.spec?.selector ?? { missing: true });
    const [port] = service.spec?.ports ?? [];
    expect(containerPortNumber(port?.targetPort)).toBe(8080);
  });

  it('probes liveness on /healthz and readiness on /readyz at the port the config serves; metrics on their own port', () => {
    const { env, folder } = podView();
    try {
      const loaded = loadConfig(env);
      if (!loaded.ok) throw new Error(loaded.error.join('\n'));
      const servedPort = loaded.value.config.server.port;
      for (const [probe, pathExpected] of [
        [container.startupProbe, '/healthz'],
        [container.livenessProbe, '/healthz'],
        [container.readinessProbe, '/readyz'],
      ] as const) {
        expect(probe?.httpGet?.path).toBe(pathExpected);
        expect(containerPortNumber(probe?.httpGet?.port)).toBe(servedPort);
      }
      // /metrics on a port of its own: a container port the pods are scraped on, which the Service does not route.
      const metricsPort = loaded.value.config.metrics.port;
      expect(metricsPort).not.toBeNull();
      expect(containerPortNumber('metrics')).toBe(metricsPort);
      expect(deployment.spec?.template.metadata?.annotations?.['prometheus.io/port']).toBe(String(metricsPort));
      const routed = (only('v1/Service').spec?.ports ?? []).map((port) => containerPortNumber(port.targetPort));
      expect(routed).toEqual([servedPort]);
      // The pod is given time to drain: preStop pause, then the service's own shutdown bound.
      const preStopSeconds = Number(container.lifecycle?.preStop?.exec?.command?.[1]);
      expect(preStopSeconds * 1000 + loaded.value.config.server.shutdownTimeoutMs).toBeLessThan(
        (podSpec?.terminationGracePeriodSeconds ?? 30) * 1000,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('runs as a non-root user on a read-only root filesystem without capabilities, with /tmp writable', () => {
    expect(podSpec?.securityContext?.runAsNonRoot).toBe(true);
    expect(podSpec?.securityContext?.runAsUser).not.toBe(0);
    expect(podSpec?.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
    expect(podSpec?.automountServiceAccountToken).toBe(false);
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
    expect(podSpec?.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
  });

  it('sets requests and limits, and no more worker processes than the CPU limit', () => {
    const { requests, limits } = container.resources ?? {};
    for (const resource of ['cpu', 'memory']) {
      expect(requests?.[resource]).toBeDefined();
      expect(limits?.[resource]).toBeDefined();
    }
    expect(Number(envValue('WORKERS'))).toBeLessThanOrEqual(cores(limits?.['cpu']));
    expect(cores(requests?.['cpu'])).toBeLessThanOrEqual(cores(limits?.['cpu']));
  });

  it('the example Secret holds no values, and has every key the pod reads from it', () => {
    const values = secret.stringData ?? {};
    expect(secret.data).toBeUndefined();
    expect(Object.values(values).every((value) => value === '')).toBe(true);
    const read = (container.env ?? []).flatMap((variable) => variable.valueFrom?.secretKeyRef?.key ?? []);
    expect(Object.keys(values).sort()).toEqual([...read].sort());
  });

  it('the ConfigMap’s config passes the service’s validation as the pod sees it: accounts file, Redis through Sentinel', () => {
    const { env, folder } = podView();
    try {
      const loaded = loadConfig(env);
      if (!loaded.ok) throw new Error(loaded.error.join('\n'));
      const { config, accountsFile } = loaded.value;
      expect(config.admin.token).toBeNull();
      expect(config.server.workers).toBe(1);
      expect(config.cache.redis.url).toBeNull();
      expect(config.cache.redis.sentinel).toMatchObject({
        name: 'mymaster',
        sentinels: [0, 1, 2].map((index) => ({ host: `redis-ha-announce-${index}`, port: 26379 })),
      });
      const accounts = readDirectoryFile(accountsFile ?? '');
      if (!accounts.ok) throw new Error(accounts.error.join('\n'));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('with the Secret filled in and a PostgreSQL directory, the config still passes', () => {
    const adminToken = 'b'.repeat(64);
    const databaseUrl = 'postgres://mail:secret@postgres.example:5432/mail';
    const { env, folder } = podView({ 'admin-token': adminToken, 'database-url': databaseUrl });
    try {
      const configFile = env['CONFIG_FILE'] ?? '';
      writeFileSync(
        configFile,
        readFileSync(configFile, 'utf8').replace(/^directory:\n(?: {2}.*\n)+/m, 'directory:\n  type: postgres\n'),
      );
      const loaded = loadConfig(env);
      if (!loaded.ok) throw new Error(loaded.error.join('\n'));
      expect(loaded.value.config.directory).toMatchObject({ type: 'postgres', url: databaseUrl });
      expect(loaded.value.config.admin.token).toBe(adminToken);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
