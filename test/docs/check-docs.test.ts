import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { consumerGuide } from '../support/consumer-guide';

/**
 * scripts/check-docs.mjs (`npm run docs:links`): relative links, heading anchors and the marked
 * examples, on small trees written for each case, and on this repository's own documentation.
 */
const root = join(__dirname, '..', '..');
const script = join(root, 'scripts', 'check-docs.mjs');
const fence = '```';

let dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A documentation tree with the given files (path -> content). */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'check-docs-test-'));
  dirs = [...dirs, dir];
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

function check(dir?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [script, ...(dir ? ['--root', dir] : [])], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const guide = [
  '# A guide',
  '',
  '## cdktf.json: an app command',
  '',
  '## Twice',
  '',
  '## Twice',
  '',
  `${fence}md`,
  '[not a link, inside a code block](missing-in-code.md)',
  `${fence}`,
  '',
].join('\n');

describe('check-docs', () => {
  it('passes a tree whose links, anchors and marked blocks are all good', () => {
    const dir = tree({
      'README.md': [
        '# Project',
        '',
        'See [the guide](docs/guides/a.md), [its app command](docs/guides/a.md#cdktfjson-an-app-command),',
        'the [second twice](docs/guides/a.md#twice-1), [the top](#project), `[code](nowhere.md)` and',
        '[a site](https://example.com/missing.md).',
        '',
        '<!-- compile -->',
        '',
        `${fence}ts`,
        "import { OWNERSHIP_TAG } from 'ssm-federated-access';",
        'const tag: string = OWNERSHIP_TAG;',
        'void tag;',
        `${fence}`,
        '',
      ].join('\n'),
      'docs/guides/a.md': guide,
    });
    const result = check(dir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('1 compiled blocks');
  });

  it('fails on a README longer than 250 lines, and passes one of 250', () => {
    const lines = (n: number) => ['# Project', ...Array.from({ length: n - 1 }, (_, i) => `line ${i}`)].join('\n');
    const long = check(tree({ 'README.md': `${lines(251)}\n` }));
    expect(long.status).toBe(1);
    expect(long.stderr).toContain('README.md: has 251 lines, more than 250');
    expect(check(tree({ 'README.md': `${lines(250)}\n` })).status).toBe(0);
  });

  it('fails on a link to a file that does not exist', () => {
    const dir = tree({
      'README.md': '# Project\n\nSee [the guide](docs/guides/missing.md).\n',
      'docs/guides/a.md': guide,
    });
    const result = check(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('README.md:3: link docs/guides/missing.md: docs/guides/missing.md does not exist');
  });

  it('fails on a link to a heading the target file does not have', () => {
    const dir = tree({
      'README.md': '# Project\n\nSee [the guide](docs/guides/a.md#no-such-heading).\n',
      'docs/guides/a.md': guide,
    });
    const result = check(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'README.md:3: link docs/guides/a.md#no-such-heading: docs/guides/a.md has no heading with the anchor #no-such-heading',
    );
  });

  it('fails on a link to a missing heading of the same file', () => {
    const dir = tree({ 'docs/guides/a.md': `${guide}\nBack to [the top](#a-guid).\n` });
    const result = check(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('docs/guides/a.md:13: link #a-guid:');
  });

  it('fails on a marked block that does not compile, naming the Markdown line', () => {
    const dir = tree({
      'docs/guides/a.md': [
        '# A guide',
        '',
        '<!-- compile -->',
        `${fence}ts`,
        "const n: number = 'one';",
        `${fence}`,
        '',
      ].join('\n'),
    });
    const result = check(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "docs/guides/a.md:5: does not compile: TS2322: Type 'string' is not assignable to type 'number'",
    );
  });

  it('fails on a block that uses an export the package does not have', () => {
    const dir = tree({
      'docs/guides/a.md': [
        '# A guide',
        '',
        '<!-- compile -->',
        `${fence}ts`,
        "import { NoSuchConstruct } from 'ssm-federated-access';",
        'void NoSuchConstruct;',
        `${fence}`,
        '',
      ].join('\n'),
    });
    const result = check(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "docs/guides/a.md:5: does not compile: TS2305: Module '\"ssm-federated-access\"' has no exported member 'NoSuchConstruct'",
    );
  });

  it('leaves unmarked blocks alone, and fails on a marker with no TypeScript block after it', () => {
    const unmarked = tree({ 'docs/guides/a.md': `# A guide\n\n${fence}ts\nconst n: number = 'one';\n${fence}\n` });
    expect(check(unmarked).status).toBe(0);
    const dangling = tree({ 'docs/guides/a.md': `# A guide\n\n<!-- compile -->\n\n${fence}sh\nnpm test\n${fence}\n` });
    const result = check(dangling);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'docs/guides/a.md:3: <!-- compile --> must be followed by a ```ts block, found ```sh',
    );
  });

  it('type-checks the example apps', () => {
    const dir = tree({
      'examples/app/README.md': '# App\n\nSee [main](main.ts).\n',
      'examples/app/main.ts': "import { App } from 'cdktf';\nnew App().synthh();\n",
    });
    const result = check(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "examples/app/main.ts:2: does not compile: TS2551: Property 'synthh' does not exist on type 'App'",
    );
  });

  it('fails on a consumer guide that installs an unpinned package or a tsconfig TypeScript 7 refuses', () => {
    const result = check(
      tree({
        'docs/guides/consumer-apps.md': consumerGuide({
          typescript: 'typescript',
          moduleResolution: 'node10',
          example: false,
        }),
      }),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'docs/guides/consumer-apps.md:5: installs typescript without an exact version: pin it (typescript@5.9.3)',
    );
    expect(result.stderr).toContain(
      'docs/guides/consumer-apps.md:9: tsconfig.json sets moduleResolution: "node10", which TypeScript 6 deprecates and TypeScript 7 removes',
    );
  });

  it('fails on a consumer guide whose pinned version differs from the one this repository builds with', () => {
    const result = check(
      tree({ 'docs/guides/consumer-apps.md': consumerGuide({ typescript: 'typescript@5.8.2', example: false }) }),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'docs/guides/consumer-apps.md:5: installs typescript@5.8.2, but this repository builds with 5.9.3',
    );
  });

  // `npm test` runs this same check on this same tree before jest (`npm run docs:links`, in
  // `npm run checks`) and stops when it fails, so under `npm test` it is not run a second time;
  // `npx jest` runs it.
  const checkedBeforeJest = process.env.npm_lifecycle_event === 'test';
  (checkedBeforeJest ? it.skip : it)(
    "passes on this repository's documentation",
    () => {
      const result = check();
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    },
    60_000,
  );
});
