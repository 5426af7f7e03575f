import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toolAvailable } from './tools.js';

const TEMPLATE = fileURLToPath(new URL('../../deploy/eventbridge/cloudformation.yaml', import.meta.url));

/** The lines of one top-level resource of the template, up to the next one. */
function resource(name: string) {
  const text = readFileSync(TEMPLATE, 'utf8');
  const start = text.indexOf(`\n  ${name}:\n`);
  const next = text.slice(start + 1).search(/\n {2}\w[\w-]*:\n/);
  return text.slice(start, next < 0 ? undefined : start + 1 + next);
}

describe('deploy/eventbridge/cloudformation.yaml', () => {
  it('keeps the dead-letter queue, and the events in it, when the stack is deleted or the queue replaced', () => {
    const queue = resource('DeadLetterQueue');
    expect(queue).toContain('Type: AWS::SQS::Queue');
    expect(queue).toMatch(/^ {4}DeletionPolicy: Retain$/m);
    expect(queue).toMatch(/^ {4}UpdateReplacePolicy: Retain$/m);
  });

  const cfnLint = toolAvailable('cfn-lint', 'the lint of the CloudFormation template');
  it.skipIf(!cfnLint)('passes cfn-lint with its informational rules too', () => {
    const args = ['--include-checks', 'I', '--format', 'json', '--', TEMPLATE];
    const run = spawnSync('cfn-lint', args, { encoding: 'utf8' });
    expect(JSON.parse(run.stdout)).toEqual([]);
    expect(run.status).toBe(0);
  });
});
