import { spawnSync } from 'node:child_process';

/**
 * Whether an outside checker (cfn-lint, promtool) is on PATH. Without it the check is skipped
 * with a message, except under CI=true, where .ci/run provides it and its absence is a failure.
 */
export function toolAvailable(command: string, purpose: string): boolean {
  const found = spawnSync(command, ['--version']).status === 0;
  if (!found && process.env.CI === 'true') throw new Error(`${command} is not on PATH: CI needs it for ${purpose}`);
  if (!found) console.warn(`skipping ${purpose}: ${command} is not on PATH`);
  return found;
}
