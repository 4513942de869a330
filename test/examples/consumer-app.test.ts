import { validateWorkflow } from '@action-validator/core';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { planOffline } from '../support/terraform';

/**
 * The constructs as a package others install: pack it as `npm publish` would, install the tarball
 * into a copy of examples/consumer-app (which depends on it by name), compile that app against the
 * packed declarations, synthesize it, and plan it offline (the plan validates it first). Then the
 * package's review command, as the app's pull-request workflow runs it, with the optional IAM
 * evaluator installed and without it.
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

interface StackJson {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  resource: Record<string, any>;
  output: Record<string, unknown>;
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
    cpSync(join(root, 'examples', 'composed-constructs'), join(work, 'composed'), { recursive: true });
    // Everything the app needs is in the npm cache after the project's own install.
    const install = ['install', '--no-audit', '--no-fund', '--ignore-scripts', join(work, packed.filename)];
    try {
      npm([...install, '--offline'], join(work, 'app'));
    } catch {
      npm([...install, '--prefer-offline'], join(work, 'app'));
    }
    // The second example needs nothing the first does not have.
    symlinkSync(join(work, 'app', 'node_modules'), join(work, 'composed', 'node_modules'), 'dir');
  }, 300_000);

  it('ships the constructs, their declarations, the launch tagger zip and the review command, and nothing of the app or tests', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'CHANGELOG.md',
        'dist/modules/index.js',
        'dist/modules/index.d.ts',
        'dist/launch-tagger/launch-tagger.zip',
        'dist/cli/main.js',
      ]),
    );
    expect(
      files.filter((f) => /^(test|handlers|environments|stacks|dist\/stacks|dist\/environments)\//.test(f)),
    ).toEqual([]);
  });

  it('depends only on its peers and three libraries the constructs run; the AGPL evaluator is an optional peer', () => {
    const manifest = JSON.parse(
      readFileSync(join(work, 'app', 'node_modules', 'ssm-federated-access', 'package.json'), 'utf8'),
    );
    // What the constructs run at synth: the environment schema (zod, MIT), the SAML metadata check
    // (fast-xml-parser, MIT) and Cedar's validator for the approval policies (cedar-wasm, Apache-2.0).
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@cedar-policy/cedar-wasm', 'fast-xml-parser', 'zod']);
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual([
      '@cdktf/provider-aws',
      '@cloud-copilot/iam-policy',
      '@cloud-copilot/iam-simulate',
      'cdktf',
      'constructs',
    ]);
    expect(manifest.peerDependenciesMeta).toEqual({
      '@cloud-copilot/iam-policy': { optional: true },
      '@cloud-copilot/iam-simulate': { optional: true },
    });
    expect(manifest.bin).toEqual({ 'ssm-federated-access': 'dist/cli/main.js' });
  });

  /**
   * Compiles an example app against the packed declarations and runs it into its `cdktf.out`, once
   * per app: the plans and the review below read the same output.
   */
  const synthesized = new Map<string, string>();
  function compileAndSynth(folder: string): string {
    const app = join(work, folder);
    const outdir = join(app, 'cdktf.out');
    if (synthesized.has(folder)) return outdir;
    execFileSync(process.execPath, [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], {
      cwd: app,
      stdio: 'pipe',
    });
    execFileSync(process.execPath, [join(app, 'dist', 'main.js')], {
      cwd: app,
      stdio: 'pipe',
      env: { ...process.env, CDKTF_OUTDIR: outdir },
    });
    synthesized.set(folder, outdir);
    return outdir;
  }

  const readStack = (outdir: string, stackName: string) =>
    JSON.parse(readFileSync(join(outdir, 'stacks', stackName, 'cdk.tf.json'), 'utf8')) as StackJson;

  /** An example app's stack, compiled and synthesized, and its offline plan (which validates it first). */
  function synthAndPlan(folder: string, stackName: string): { json: StackJson; plan: ReturnType<typeof planOffline> } {
    const outdir = compileAndSynth(folder);
    const json = readStack(outdir, stackName);
    return { json, plan: planOffline(join(outdir, 'stacks', stackName), json, { validate: false }) };
  }

  it('SsmFederatedAccess in two regions: compiles against the declarations, synthesizes, validates and plans', () => {
    const { json, plan } = synthAndPlan('app', 'shell-access');
    expect(Object.keys(json.resource)).toEqual(
      expect.arrayContaining([
        'aws_iam_saml_provider',
        'aws_iam_role',
        'aws_ssm_document',
        'aws_kms_key',
        'aws_lambda_function',
        'aws_cloudwatch_event_rule',
      ]),
    );
    // One preferences document and one launch tagger per region, each through its region's provider.
    const documents = Object.values(json.resource.aws_ssm_document) as { provider?: string }[];
    expect(documents.map((d) => d.provider ?? 'aws').sort()).toEqual(['aws', 'aws.eu-central-1']);
    const functions = Object.values(json.resource.aws_lambda_function) as { provider?: string }[];
    expect(functions.map((f) => f.provider ?? 'aws').sort()).toEqual(['aws', 'aws.eu-central-1']);
    // The central archive bucket: no bucket here, and its policies as outputs for the archive account.
    expect(json.resource.aws_s3_bucket).toBeUndefined();
    expect(Object.keys(json.output)).toEqual(
      expect.arrayContaining(['central_log_bucket_policy', 'central_log_key_policy_statements', 'ownership_tag_scp']),
    );
    expect(plan.plan).toMatch(/Plan: [1-9]\d* to add, 0 to change, 0 to destroy\./);
  });

  it('the lower-level constructs composed by hand: compiles, synthesizes, validates and plans', () => {
    const { json, plan } = synthAndPlan('composed', 'composed-shell-access');
    expect(Object.keys(json.resource)).toEqual(
      expect.arrayContaining(['aws_iam_saml_provider', 'aws_iam_role', 'aws_ssm_document', 'aws_lambda_function']),
    );
    expect(plan.plan).toMatch(/Plan: [1-9]\d* to add, 0 to change, 0 to destroy\./);
  });

  it('a mistake in the app is reported once, on one line per problem, with no stack trace, and nothing is written', () => {
    const app = join(work, 'composed');
    const source = readFileSync(join(app, 'main.ts'), 'utf8');
    const broken = source
      .replace("roleName: 'PlatformShell'", "roleName: 'Platform Shell'")
      .replace("runAsDefaultUser: 'ec2-user'", "runAsDefaultUser: 'ssm-user'");
    expect(broken).not.toBe(source);
    const brokenDir = join(work, 'broken');
    cpSync(app, brokenDir, { recursive: true, dereference: false, filter: (f) => !f.includes('cdktf.out') });
    writeFileSync(join(brokenDir, 'main.ts'), broken);
    execFileSync(process.execPath, [join(brokenDir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', brokenDir], {
      cwd: brokenDir,
      stdio: 'pipe',
    });
    const outdir = join(brokenDir, 'out');
    const result = spawnSync(process.execPath, [join(brokenDir, 'dist', 'main.js')], {
      cwd: brokenDir,
      encoding: 'utf8',
      env: { ...process.env, CDKTF_OUTDIR: outdir },
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Invalid configuration, nothing synthesized:',
      expect.stringMatching(
        /^composed-shell-access\/federation: roleName must be a valid IAM role name .*\(got "Platform Shell"\)$/,
      ),
      expect.stringMatching(
        /^composed-shell-access\/preferences: runAsDefaultUser must not be the shared ssm-user .*\(got "ssm-user"\)$/,
      ),
    ]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(outdir, 'stacks', 'composed-shell-access', 'cdk.tf.json'))).toBe(false);
  });

  describe('the review command in the consumer app', () => {
    const app = () => join(work, 'app');
    const review = (args: string[]) =>
      spawnSync('npx', ['--no-install', 'ssm-federated-access', 'plan-report', '--offline', ...args], {
        cwd: app(),
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
    let resources: number;

    beforeAll(() => {
      // The app's own stack, as the app command the review runs (cdktf.json) synthesizes it.
      const json = readStack(compileAndSynth('app'), 'shell-access');
      resources = Object.values(json.resource as Record<string, object>).reduce((n, r) => n + Object.keys(r).length, 0);
    }, 120_000);

    it('the workflow runs the packed command and passes the workflow schema validator', () => {
      const text = readFileSync(join(app(), '.github', 'workflows', 'pull-request.yml'), 'utf8');
      expect(validateWorkflow(text).errors).toEqual([]);
      const steps = parse(text).jobs.review.steps as { run?: string }[];
      expect(steps.map((s) => s.run ?? '').join('\n')).toContain('npx ssm-federated-access plan-report');
    });

    it('writes the full report for the stack: counts, the policy diff and the access gained', () => {
      const result = review(['--markdown', 'report.md', '--html', 'access-matrix.html']);
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
      const report = readFileSync(join(app(), 'report.md'), 'utf8');
      // Offline: against an empty account, everything is added.
      expect(report).toMatch(new RegExp(`\\| shell-access \\| ${resources} \\| 0 \\| 0 \\| 0 \\| [1-9]\\d* \\|`));
      expect(report).toContain('### shell-access (offline plan: compared with an empty account)');
      expect(report).toMatch(
        /\*\*inline policy\*\* of `aws_iam_role_policy\.access_session-access_role-policy_[0-9A-F]+`, as configured/,
      );
      expect(report).toContain('- added Allow statement `StartSessionOnOwnInstances`');
      expect(report).toContain(
        '- :unlock: gained: alice (federated): own instance in eu-west-1 (AwsUserId = her aws:userid) (`ssm:StartSession` on `arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0`)',
      );
      expect(report).toMatch(
        /:unlock: gained: instance role platform-ssm-managed-instance: write a transcript in eu-west-1/,
      );
      expect(report).not.toMatch(/gained: .*someone else's instance/);
      expect(report).toMatch(
        /<summary>Access matrix after the plan: \d+ cases, \d+ allowed, \d+ gained, 0 lost<\/summary>/,
      );
      expect(report).not.toContain('not as expected');
      expect(readFileSync(join(app(), 'access-matrix.html'), 'utf8')).toContain('data-stack="shell-access"');
    });

    it('without the evaluator, writes the plan part and says why the access part is missing', () => {
      npm(
        [
          'uninstall',
          '--no-audit',
          '--no-fund',
          '--ignore-scripts',
          '@cloud-copilot/iam-simulate',
          '@cloud-copilot/iam-policy',
        ],
        app(),
      );
      const result = review([]);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`\\| shell-access \\| ${resources} \\| 0 \\| 0 \\| 0 \\|`));
      expect(result.stdout).toContain('- added Allow statement `StartSessionOnOwnInstances`');
      expect(result.stdout).toContain(
        '> The access part is off: to turn it on, install the IAM evaluator (AGPL-3.0): npm install --save-dev @cloud-copilot/iam-simulate @cloud-copilot/iam-policy.',
      );
      expect(result.stdout).not.toContain(':unlock:');
    });
  });
});
