// What every scenario receives, and the try/finally that stops its processes whatever happens.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchConfig } from './config.js';
import type { Running, SimUrls } from './stack.js';

export interface ScenarioContext {
  cfg: BenchConfig;
  sim: SimUrls;
  /** The simulator's process: the CPU each side makes it spend is reported. */
  simPid: number;
}

/** A scratch folder under the OS temp dir, removed by `cleanup` (event files can be large). */
export function scratchDir(name: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function stopAll(...procs: (Running | undefined)[]): Promise<void> {
  await Promise.all(procs.map((p) => p?.proc.stop()));
}

/** Unique ids across the whole run, so no cache of any side can ever answer. */
let counter = 0;
const runTag = Date.now().toString(36);
export const uniqueId = (prefix: string) => `${prefix}-${runTag}-${++counter}`;
