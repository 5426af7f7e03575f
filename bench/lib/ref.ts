// Another commit of this repository, built beside the working tree, for a side that measures the
// service as it was (e.g. before tracing existed) in the same run as the service as it is.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './stack.js';

export interface BuiltRef {
  ref: string;
  /** The folder holding its package.json and dist/. */
  root: string;
  cleanup: () => void;
}

/**
 * `git archive` of `ref` into a scratch folder, compiled with its own tsconfig.build.json against
 * this tree's node_modules: the ref must need no dependency the working tree lacks.
 */
export function buildRef(ref: string): BuiltRef {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bench-ref-'));
  const cleanup = () => rmSync(root, { recursive: true, force: true });
  try {
    const tar = execFileSync('git', ['archive', '--format=tar', ref], { cwd: ROOT, maxBuffer: 512 * 2 ** 20 });
    execFileSync('tar', ['-x', '-C', root], { input: tar });
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
    return { ref, root, cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}
