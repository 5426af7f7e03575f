import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { buildTestApp } from '../helpers/app.js';
import { containerEnv, folder, kustomize, validateManifest, type Manifest } from './manifests.js';
import { isSecret, knownVariables, RUNTIME_VARIABLES } from './variables.js';

const base = folder('base');
const fileSink = folder('file-sink');
const deployment = base.one('Deployment');
const configMap = base.one('ConfigMap');
const pod = deployment.spec.template.spec;
const container = pod.containers[0];
const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
const dockerEnv = (name: string) => new RegExp(`\\b${name}=(\\S+)`).exec(dockerfile)?.[1];

describe('deploy/kubernetes', () => {
  it('holds manifests that are valid against the Kubernetes API schemas', () => {
    for (const doc of [...base.all, fileSink.one('PersistentVolumeClaim')]) validateManifest(doc);
    // The check itself refuses a wrong type.
    const named = structuredClone(deployment);
    named.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => validateManifest(named)).toThrow(/containerPort must be integer/);
  });

  it('lists every file of each folder in its kustomization', () => {
    for (const { files, kustomization } of [base, fileSink]) {
      const listed = [...kustomization.resources, ...(kustomization.patches ?? []).map((p: Manifest) => p.path)];
      const own = files.filter((f) => f !== 'kustomization.yaml');
      expect(own.sort()).toEqual(listed.filter((f) => f?.endsWith('.yaml')).sort());
    }
  });

  it('sets only variables the service knows, and they make a valid configuration', () => {
    const known = knownVariables();
    const names = [...Object.keys(configMap.data), ...container.env.map((e: Manifest) => e.name),
      ...Object.keys(fileSink.one('ConfigMap').data)];
    expect(names.filter((n) => !known.has(n) && !RUNTIME_VARIABLES.has(n))).toEqual([]);
    expect(loadConfig(containerEnv(deployment, configMap)).ingest.sink).toBe('postgres');
    const fileEnv = { ...containerEnv(deployment, configMap), ...fileSink.one('ConfigMap').data };
    expect(loadConfig(fileEnv).ingest.fileDir).toBe(fileSink.one('Deployment').spec.template.spec.containers[0]
      .volumeMounts[0].mountPath);
  });

  it('takes every secret from the Secret by reference, never inline', () => {
    expect([...base.all, ...fileSink.all].filter((d) => d.kind === 'Secret')).toEqual([]);
    expect(Object.keys(configMap.data).filter(isSecret)).toEqual([]);
    for (const e of container.env) {
      expect(e.value, e.name).toBeUndefined();
      expect(e.valueFrom.secretKeyRef.name, e.name).toBe('genesys-data-actions');
    }
    expect(container.env.map((e: Manifest) => e.name).filter(isSecret).length).toBeGreaterThanOrEqual(4);
  });

  it('runs as non-root on a read-only root filesystem, with no writable volume where nothing writes', () => {
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(configMap.data.INGEST_SINK).not.toBe('file');
    expect(container.volumeMounts ?? []).toEqual([]);
  });

  it('drains within its grace period, after a preStop pause for the load balancers', () => {
    const [command, seconds] = container.lifecycle.preStop.exec.command as [string, string];
    expect(command).toBe('sleep');
    const shutdownMs = loadConfig(containerEnv(deployment, configMap)).shutdownTimeoutMs;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(Number(seconds) + shutdownMs / 1000);
  });

  it('asks for memory above the heap cap of the image, and for CPU', () => {
    const heapMiB = Number(/--max-old-space-size=(\d+)/.exec(dockerEnv('NODE_OPTIONS') ?? '')?.[1]);
    const mib = (q: string) => Number(/^(\d+)Mi$/.exec(q)?.[1]);
    expect(mib(container.resources.requests.memory)).toBeGreaterThan(heapMiB);
    expect(mib(container.resources.limits.memory)).toBeGreaterThan(mib(container.resources.requests.memory));
    expect(container.resources.requests.cpu).toMatch(/^\d+m$/);
  });

  it('lets the Service, the disruption budget and the autoscaler find the Deployment\'s pods', () => {
    const labels = deployment.spec.template.metadata.labels;
    expect(base.one('Service').spec.selector).toEqual(labels);
    expect(base.one('PodDisruptionBudget').spec.selector.matchLabels).toEqual(labels);
    const hpa = base.one('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef)
      .toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec.minReplicas).toBeGreaterThan(base.one('PodDisruptionBudget').spec.maxUnavailable);
  });

  describe('probes and port against the service itself', () => {
    let app: App;
    beforeAll(async () => { app = await buildTestApp(); });
    afterAll(() => app.close());

    it('serves the probes\' paths on the container port the Service targets', async () => {
      const port = container.ports.find((p: Manifest) => p.name === 'http');
      expect(port.containerPort).toBe(loadConfig(containerEnv(deployment, configMap)).port);
      expect(base.one('Service').spec.ports[0].targetPort).toBe('http');
      const probes = [container.readinessProbe, container.livenessProbe, container.startupProbe];
      expect(probes.map((p) => p.httpGet.path)).toEqual(['/readyz', '/healthz', '/healthz']);
      for (const probe of probes) {
        expect(probe.httpGet.port).toBe('http');
        expect((await app.inject(probe.httpGet.path)).statusCode).toBe(200);
      }
      expect(container.readinessProbe.timeoutSeconds).toBeGreaterThan(2); // /readyz bounds its checks to 2 s
    });
  });

  it('renders with kustomize into valid manifests; the file-sink variant has one replica, one writer', (ctx) => {
    const [rendered, renderedFile] = [kustomize('base'), kustomize('file-sink')];
    if (!rendered || !renderedFile) {
      console.warn('skipping the kustomize rendering: kubectl is not on PATH');
      return ctx.skip();
    }
    for (const doc of [...rendered, ...renderedFile]) validateManifest(doc);
    expect(renderedFile.filter((d) => d.kind === 'HorizontalPodAutoscaler')).toEqual([]);
    const one = renderedFile.find((d) => d.kind === 'Deployment')!;
    const spec = one.spec.template.spec;
    expect(one.spec.replicas).toBe(1);
    expect(one.spec.strategy).toEqual({ type: 'Recreate' });
    expect(spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    const dir = renderedFile.find((d) => d.kind === 'ConfigMap')!.data.INGEST_FILE_DIR;
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'events', mountPath: dir }]);
    const claim = renderedFile.find((d) => d.kind === 'PersistentVolumeClaim')!.metadata.name;
    expect(spec.volumes).toEqual([{ name: 'events', persistentVolumeClaim: { claimName: claim } }]);
    expect(dir).toBe(dockerEnv('INGEST_FILE_DIR')); // the folder the image makes for the `node` user
  });
});
