import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { listeningApp, selfSigned, tlsFolder } from '../helpers/certificates.js';
import { freePort } from '../helpers/process.js';

const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
/** The exec form of the image's HEALTHCHECK, as Docker runs it. */
const healthCheck = JSON.parse(/^HEALTHCHECK .*\\\n\s+CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];

/** Runs the health check as the container would, with the container's variables; resolves with its exit code. */
function check(env: Record<string, string>) {
  const [command, ...args] = healthCheck;
  expect(command).toBe('node');
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
  return new Promise<number | null>((resolve) => child.on('exit', resolve));
}

let close: (() => Promise<unknown>) | undefined;
afterEach(async () => close?.());

describe('the Dockerfile\'s health check', () => {
  it('passes over HTTPS when the TLS files are set, whatever the certificate\'s name', async () => {
    const { env } = tlsFolder(selfSigned('gdas.example.com'));
    const { app, port } = await listeningApp(env);
    close = () => app.close();
    expect(await check({ ...env, PORT: String(port) })).toBe(0);
  });

  it('passes over plain HTTP, and fails when nothing answers', async () => {
    const { app, port } = await listeningApp({});
    close = () => app.close();
    expect(await check({ PORT: String(port) })).toBe(0);
    expect(await check({ PORT: String(await freePort()) })).toBe(1);
  });
});
