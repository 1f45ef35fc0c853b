import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { PROJECT_ROOT } from '../../test/support/fixture-process.js';
import { commandFor, startChildService, type ChildOutput } from './child-service.js';

const FIXTURE = 'test/fixtures/chatty-child';

function capture(): ChildOutput & { text(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  for (const stream of [stdout, stderr]) stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stdout, stderr, text: () => text };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('a child service', () => {
  it('runs the TypeScript source through tsx when the launcher runs from sources', () => {
    const { args } = commandFor(PROJECT_ROOT, 'services/relay/main');
    expect(args).toEqual(['--import', 'tsx', `${PROJECT_ROOT}services/relay/main.ts`]);
  });

  it('prefixes each line of its stdout and stderr with its name', async () => {
    const output = capture();
    const child = startChildService(PROJECT_ROOT, 'email', FIXTURE, { ...process.env }, 9, output);
    await until(() => output.text().includes('ready'));
    await child.stop(5_000);

    const lines = output.text().trimEnd().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        '[email]     hello world',
        '[email]     second line',
        '[email]     a warning',
        '[email]     bye',
      ]),
    );
    expect(lines.every((line) => line.startsWith('[email]     '))).toBe(true);
  });

  it('stops with SIGTERM and reports a clean exit', async () => {
    const output = capture();
    const child = startChildService(PROJECT_ROOT, 'polite', FIXTURE, { ...process.env }, 6, output);
    await until(() => output.text().includes('ready'));
    await child.stop(5_000);
    expect(await child.exited).toBe('code 0');
  });

  it('kills a child that ignores SIGTERM once the timeout passes', async () => {
    const output = capture();
    const env = { ...process.env, CHILD_MODE: 'stubborn' };
    const child = startChildService(PROJECT_ROOT, 'stubborn', FIXTURE, env, 8, output);
    await until(() => output.text().includes('ready'));
    await child.stop(300);
    expect(await child.exited).toBe('SIGKILL');
    expect(output.text()).toContain('ignoring SIGTERM');
  });

  it('reports how a child died, with its last words printed first', async () => {
    const output = capture();
    const env = { ...process.env, CHILD_MODE: 'crash' };
    const child = startChildService(PROJECT_ROOT, 'crash', FIXTURE, env, 5, output);
    expect(await child.exited).toBe('code 3');
    expect(output.text()).toContain('[crash] fatal: cannot continue');
  });
});
