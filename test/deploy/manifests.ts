import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PersistentVolumeClaim, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';

// The manifests of deploy/kubernetes/ as the tests read them, and their validation against the
// Kubernetes API's schemas (kubernetes-models: types, required fields, formats).

export const KUBERNETES_DIR = fileURLToPath(new URL('../../deploy/kubernetes', import.meta.url));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a manifest is any YAML the API accepts
export type Manifest = Record<string, any>;

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
};

/** Throws with the schema's complaint, or for a kind these manifests are not expected to hold. */
export function validateManifest(doc: Manifest) {
  const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
  if (!Model) throw new Error(`unexpected ${doc.apiVersion}/${doc.kind} ${doc.metadata?.name}`);
  new Model(doc as never).validate();
}

export const parseYaml = (text: string): Manifest[] =>
  parseAllDocuments(text).map((d) => d.toJS() as Manifest).filter((d) => d !== null);

/** One folder of deploy/kubernetes/: its kustomization and every other YAML document, by file. */
export function folder(name: string) {
  const dir = join(KUBERNETES_DIR, name);
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  const docs = new Map(files.map((f) => [f, parseYaml(readFileSync(join(dir, f), 'utf8'))]));
  const kustomization = docs.get('kustomization.yaml')![0]!;
  docs.delete('kustomization.yaml');
  const all = [...docs.values()].flat();
  const one = (kind: string) => all.find((d) => d.kind === kind)!;
  return { files, docs, kustomization, all, one };
}

/** `kubectl kustomize` of a folder when kubectl is on PATH (it carries kustomize), else undefined. */
export function kustomize(name: string): Manifest[] | undefined {
  const run = spawnSync('kubectl', ['kustomize', join(KUBERNETES_DIR, name)], { encoding: 'utf8' });
  if (run.error) return undefined;
  if (run.status !== 0) throw new Error(`kubectl kustomize ${name} failed:\n${run.stderr}`);
  return parseYaml(run.stdout);
}

const PLACEHOLDERS: Record<string, string> = { DATABASE_URL: 'postgres://db/gdas', REDIS_URL: 'redis://redis:6379' };

/** The environment a Deployment's container gets from its ConfigMap, with a placeholder per secret. */
export function containerEnv(deployment: Manifest, configMap: Manifest): Record<string, string> {
  const env = deployment.spec.template.spec.containers[0].env as Manifest[];
  const secrets = env.map((e) => [e.name as string, PLACEHOLDERS[e.name] ?? 'placeholder']);
  return { ...configMap.data, ...Object.fromEntries(secrets) };
}
