import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planOffline } from '../support/terraform';

/**
 * The constructs as a package others install: pack it as `npm publish` would, install the tarball
 * into a copy of examples/consumer-app (which depends on it by name), compile that app against the
 * packed declarations, synthesize it, and run terraform validate and an offline plan.
 */
const root = join(__dirname, '..', '..');

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

interface PackedFile {
  path: string;
}

describe('the packed package in a consumer app', () => {
  let work: string;
  let files: string[];

  beforeAll(() => {
    if (
      !existsSync(join(root, 'dist', 'modules', 'index.d.ts')) ||
      !existsSync(join(root, 'dist', 'launch-tagger', 'launch-tagger.zip'))
    ) {
      throw new Error('dist/ is incomplete: run `npm run build` first (`npm test` does)');
    }
    work = mkdtempSync(join(tmpdir(), 'ssm-fa-consumer-'));
    // The build has run already; prepack would only repeat it.
    const [packed] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], root)) as {
      filename: string;
      files: PackedFile[];
    }[];
    files = packed.files.map((f) => f.path);
    cpSync(join(root, 'examples', 'consumer-app'), join(work, 'app'), { recursive: true });
    // Everything the app needs is in the npm cache after the project's own install.
    const install = ['install', '--no-audit', '--no-fund', '--ignore-scripts', join(work, packed.filename)];
    try {
      npm([...install, '--offline'], join(work, 'app'));
    } catch {
      npm([...install, '--prefer-offline'], join(work, 'app'));
    }
  }, 300_000);

  it('ships the constructs, their declarations and the launch tagger zip, and nothing of the app or tests', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'CHANGELOG.md',
        'dist/modules/index.js',
        'dist/modules/index.d.ts',
        'dist/launch-tagger/launch-tagger.zip',
      ]),
    );
    expect(
      files.filter((f) => /^(test|handlers|environments|stacks|dist\/stacks|dist\/environments)\//.test(f)),
    ).toEqual([]);
  });

  it('has no runtime dependencies but its peers', () => {
    const manifest = JSON.parse(
      readFileSync(join(work, 'app', 'node_modules', 'ssm-federated-access', 'package.json'), 'utf8'),
    );
    expect(manifest.dependencies).toBeUndefined();
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['@cdktf/provider-aws', 'cdktf', 'constructs']);
  });

  it('compiles against the declarations, synthesizes, validates and plans', () => {
    const app = join(work, 'app');
    execFileSync(process.execPath, [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], {
      cwd: app,
      stdio: 'pipe',
    });
    const outdir = join(app, 'cdktf.out');
    execFileSync(process.execPath, [join(app, 'dist', 'main.js')], {
      cwd: app,
      stdio: 'pipe',
      env: { ...process.env, CDKTF_OUTDIR: outdir },
    });
    const stackDir = join(outdir, 'stacks', 'shell-access');
    const stackJson = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(stackJson.resource)).toEqual(
      expect.arrayContaining([
        'aws_iam_saml_provider',
        'aws_iam_role',
        'aws_ssm_document',
        'aws_kms_key',
        'aws_s3_bucket',
      ]),
    );
    const result = planOffline(stackDir, stackJson);
    expect(result.validate).toContain('Success! The configuration is valid.');
    expect(result.plan).toMatch(/Plan: [1-9]\d* to add, 0 to change, 0 to destroy\./);
  });
});
