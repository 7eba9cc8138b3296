import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/fixtures.ts';

/** `npm test`'s first step (dev/requirements.ts) on a machine whose PATH holds only `commands`. */
function requirementsWith(commands: Record<string, string>) {
  const bin = mkdtempSync(join(tmpdir(), 'bin-'));
  try {
    for (const [name, target] of Object.entries(commands)) symlinkSync(target, join(bin, name));
    return spawnSync(process.execPath, ['--import', 'tsx', 'dev/requirements.ts'], {
      cwd: PROJECT_ROOT,
      env: { PATH: bin, HOME: bin },
      encoding: 'utf8',
    });
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

const which = (name: string) => spawnSync('which', [name], { encoding: 'utf8' }).stdout.trim();

describe('npm test on a machine without Java or Chromium (README.md "Quick start": requirements)', () => {
  it('stops at once and says what to install', () => {
    const result = requirementsWith({ node: process.execPath, java: which('java') });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Chromium was not found');
    expect(result.stderr).toContain('apt-get install -y chromium');
    expect(result.stderr).not.toContain('Java');

    const neither = requirementsWith({ node: process.execPath });
    expect(neither.status).toBe(1);
    expect(neither.stderr).toContain('Java was not found');
    expect(neither.stderr).toContain('openjdk-17-jre-headless');
    expect(neither.stderr).toContain('Chromium was not found');
  });

  it('goes on, silently, when both are there', () => {
    const result = requirementsWith({
      node: process.execPath,
      java: which('java'),
      chromium: process.env.CHROMIUM_PATH ?? which('chromium'),
    });
    expect(result).toMatchObject({ status: 0, stderr: '' });
  });
});
