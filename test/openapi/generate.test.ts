import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { actionProblems } from '../../src/openapi/genesys.js';
import { testConfig } from '../helpers/app.js';
import { committedActions } from './helpers.js';

// `npm run openapi` as a real process (through tsx), in an empty working directory so that it
// cannot touch the repository's files.

const GENERATE = fileURLToPath(new URL('../../src/openapi/generate.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let cwd: string | undefined;
afterEach(() => { if (cwd) rmSync(cwd, { recursive: true, force: true }); });

function generate(...args: string[]): Promise<{ code: number; stderr: string }> {
  cwd = mkdtempSync(join(tmpdir(), 'gdas-generate-'));
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', TSX, GENERATE, ...args], { cwd, timeout: 60_000 }, (err, _out, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, stderr });
    });
  });
}

describe('npm run openapi', () => {
  it('with --secure writes the actions marked secure into dist/genesys-secure and nothing else', async () => {
    const { code, stderr } = await generate('--secure');
    expect(code, stderr).toBe(0);
    expect(readdirSync(cwd!)).toEqual(['dist']);
    const dir = join(cwd!, 'dist/genesys-secure');
    const committed = committedActions();
    expect(readdirSync(dir).sort()).toEqual(committed.map((c) => c.file).sort());
    for (const { file, action } of committed) {
      const secure = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      expect(secure).toEqual({ ...action, secure: true });
      expect(actionProblems(secure, testConfig())).toEqual([]);
    }
  });

  it('refuses an unknown argument before writing anything', async () => {
    const { code, stderr } = await generate('--secur');
    expect(code).toBe(2);
    expect(stderr).toContain('unknown argument: --secur');
    expect(stderr).toContain('usage: npm run openapi [-- --secure]');
    expect(existsSync(join(cwd!, 'openapi'))).toBe(false);
  });
});
