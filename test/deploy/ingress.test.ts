import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { buildTestApp } from '../helpers/app.js';
import { containerEnv, folder, KUBERNETES_DIR, parseYaml, validateManifest } from './manifests.js';

const documents = parseYaml(readFileSync(join(KUBERNETES_DIR, 'ingress.yaml'), 'utf8'));
const ingress = documents[0]!;
const base = folder('base');
const service = base.one('Service');
/** The configuration the pods of deploy/kubernetes/base run with. */
const deployed = loadConfig(containerEnv(base.one('Deployment'), base.one('ConfigMap')));
const annotation = (name: string) => ingress.metadata.annotations[`nginx.ingress.kubernetes.io/${name}`] as string;
const paths = ingress.spec.rules.flatMap((r: { http: { paths: unknown[] } }) => r.http.paths) as
  { path: string; pathType: string; backend: { service: { name: string; port: { name: string } } } }[];

/** A Kubernetes `Prefix` path matches whole path elements: /v1/events matches /v1/events/x, not /v1/eventsx. */
const under = (prefix: string, url: string) => url === prefix || url.startsWith(`${prefix}/`);

/** An nginx size (`2m`, `512k`, bytes) in bytes. */
function bytes(size: string) {
  const [, n, unit = ''] = /^(\d+)([kKmMgG]?)$/.exec(size)!;
  return Number(n) * 1024 ** ['', 'k', 'm', 'g'].indexOf(unit.toLowerCase());
}

// EventBridge gives up on an API destination call after 5 s (docs/eventbridge.md).
const EVENTBRIDGE_TIMEOUT_MS = 5000;

let app: App;
beforeAll(async () => { app = await buildTestApp(); });
afterAll(async () => app.close());

describe('deploy/kubernetes/ingress.yaml', () => {
  it('is a valid networking.k8s.io/v1 Ingress whose every host has TLS from a cert-manager ClusterIssuer', () => {
    expect(documents).toHaveLength(1);
    expect(ingress).toMatchObject({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' });
    validateManifest(ingress);
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.metadata.annotations['cert-manager.io/cluster-issuer']).toEqual(expect.any(String));
    const hosts = ingress.spec.rules.map((r: { host: string }) => r.host);
    expect(ingress.spec.tls).toEqual([{ hosts, secretName: expect.any(String) }]);
  });

  it('sends every path to the Service of deploy/kubernetes/base, by its port name', () => {
    expect(service.spec.ports.map((p: { name: string }) => p.name)).toContain('http');
    for (const p of paths) {
      expect(p.pathType).toBe('Prefix');
      expect(p.backend).toEqual({ service: { name: service.metadata.name, port: { name: 'http' } } });
    }
    // The schema check refuses a port name that is not a string.
    const broken = structuredClone(ingress);
    broken.spec.rules[0].http.paths[0].backend.service.port.name = 80;
    expect(() => validateManifest(broken)).toThrow(/port\/name must be string/);
  });

  it('exposes the data-action and event routes, and none of the operational ones', () => {
    const exposed = paths.map((p) => p.path);
    expect(exposed.sort()).toEqual(['/v1/data-actions', '/v1/events']);
    const routes = app.openapi.routes().map((r) => r.url);
    const internal = routes.filter((url) => !exposed.some((prefix) => under(prefix, url)));
    expect(internal.sort()).toEqual(['/healthz', '/metrics', '/openapi.json', '/readyz']);
    for (const prefix of exposed) expect(routes.filter((url) => under(prefix, url)).length, prefix).toBeGreaterThan(0);
  });

  it('lets every body the service accepts through, so the service answers 413 in its own error body', () => {
    const limit = bytes(annotation('proxy-body-size'));
    expect(limit).toBeGreaterThan(deployed.ingest.bodyLimitBytes);
    expect(limit).toBeLessThanOrEqual(4 * deployed.ingest.bodyLimitBytes);
  });

  it('waits for an answer as long as its callers do, no longer', () => {
    const ms = (name: string) => Number(annotation(name)) * 1000;
    expect(ms('proxy-read-timeout')).toBe(EVENTBRIDGE_TIMEOUT_MS);
    expect(ms('proxy-send-timeout')).toBe(EVENTBRIDGE_TIMEOUT_MS);
    // A pod that does not accept costs one connect timeout: another pod still answers before nginx gives up.
    expect(ms('proxy-connect-timeout') + deployed.dataActionDeadlineMs).toBeLessThan(ms('proxy-read-timeout'));
  });
});
