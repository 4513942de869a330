import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { consumerGuide } from '../support/consumer-guide';

/**
 * `scripts/check-docs.mjs --fresh-install`: the consumer guide's install line and tsconfig.json, in an
 * empty folder, with the TypeScript and @types packages downloaded from the npm registry as the guide
 * pins them, compile the guide's examples against the package built in dist/. Slow (a registry
 * install), so apart from the quick documentation checks.
 */
const root = join(__dirname, '..', '..');
const script = join(root, 'scripts', 'check-docs.mjs');

let dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function freshInstall(dir?: string): { status: number | null; stdout: string; stderr: string } {
  const args = [script, '--fresh-install', ...(dir ? ['--root', dir] : [])];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function guideTree(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'consumer-install-test-'));
  dirs = [...dirs, dir];
  const file = join(dir, 'docs', 'guides', 'consumer-apps.md');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  return dir;
}

describe('the consumer guide in a fresh folder', () => {
  it("compiles this repository's guide: its install line, its tsconfig.json and its examples", () => {
    const result = freshInstall();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/compiled in a fresh folder in \d+\.\d s/);
  }, 120_000);

  it('fails when the install line leaves out the @types package that the tsconfig.json names', () => {
    const result = freshInstall(guideTree(consumerGuide({ types: '' })));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "docs/guides/consumer-apps.md:9: the guide's install line and tsconfig.json do not compile its examples in a fresh folder",
    );
    expect(result.stderr).toContain("error TS2688: Cannot find type definition file for 'node'");
  }, 120_000);
});
