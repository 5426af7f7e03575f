import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the simulator's process entry point as deploy/compose.yaml does, and reads the URLs it prints. */
async function runSimulator(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts'], {
    cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const { simulator } = JSON.parse(line) as { simulator: Record<string, string> };
  return { urls: simulator, stop: () => { child.kill('SIGTERM'); return once(child, 'exit'); } };
}

describe('the simulator process (node dist/src/simulator/main.js)', () => {
  it('listens on SIM_HOST, so that other containers reach it, and only there', async () => {
    const port = await freePort();
    const sim = await runSimulator({ SIM_HOST: '127.0.0.2', SIM_CRM_PORT: String(port) });
    try {
      expect(sim.urls.crm).toBe(`http://127.0.0.2:${port}`);
      expect((await fetch(`http://127.0.0.2:${port}/__sim/hits`)).status).toBe(200);
      await expect(fetch(`http://127.0.0.1:${port}/__sim/hits`)).rejects.toThrow();
    } finally {
      await sim.stop();
    }
  });

  it('stays on 127.0.0.1 without SIM_HOST', async () => {
    const sim = await runSimulator({});
    try {
      expect(new URL(sim.urls.crm!).hostname).toBe('127.0.0.1');
    } finally {
      await sim.stop();
    }
  });
});
