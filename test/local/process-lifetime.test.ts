import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../support/fixtures.ts';
import { allGone, running, started } from '../support/processes.ts';

/**
 * README.md "Quick start": SIGINT, SIGTERM and SIGHUP to npm or to its node process stop
 * everything `npm start` started. A package whose start script is npm start's own form
 * (`exec node --import tsx …`) runs a stand-in that starts a child and owns its lifetime with
 * local/process-lifetime.ts; the real `npm start` is signalled in test/local/npm-start.test.ts.
 */
describe('a process started as npm start is, told to stop', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'owned-'));
    writeFileSync(
      join(folder, 'package.json'),
      JSON.stringify({
        name: 'owned',
        private: true,
        scripts: {
          // npm start's script, with tsx found where this project has it.
          start: `exec node --import ${pathToFileURL(require.resolve('tsx')).href} ${join(PROJECT_ROOT, 'test/fixtures/owned-process.ts')}`,
        },
      }),
    );
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    '%s to npm or to node stops npm, node and its child within seconds',
    async (signal) => {
      const runs = await Promise.all(
        (['npm', 'node'] as const).map(async (target) => {
          const run = started('npm', ['start', '--silent'], {
            cwd: folder,
            env: { PATH: process.env.PATH, HOME: folder },
          });
          const [, node = '', child = ''] = await run.waitFor(/ready (\d+) (\d+)/);
          const pids = [run.child.pid ?? 0, Number(node), Number(child)];
          expect(pids.every(running)).toBe(true);
          process.kill(target === 'npm' ? (pids[0] ?? 0) : Number(node), signal);
          await allGone(pids);
          return target;
        }),
      );
      expect(runs).toEqual(['npm', 'node']);
    },
    30_000,
  );
});
