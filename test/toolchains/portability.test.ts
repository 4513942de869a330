import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { scanInstanceofChecks, sourceFiles, toolchainInstanceofChecks } from '../support/portability';

/**
 * The constructs and the app use only what CDKTF and CDK Terrain have in common. The type-check
 * against CDK Terrain (cdk-terrain.test.ts) catches missing APIs; these guard what it cannot see:
 * deep imports into a package's files (an eslint rule) and class identity across the two copies of
 * the core package that an aliased install has.
 */
const root = join(__dirname, '..', '..');
const PORTABLE_FOLDERS = ['modules', 'stacks', 'environments'];

describe('portable between CDKTF and CDK Terrain', () => {
  it('no instanceof check on a toolchain class in modules/, stacks/ or environments/', () => {
    expect(sourceFiles(root, PORTABLE_FOLDERS).length).toBeGreaterThan(20);
    expect(scanInstanceofChecks(root, PORTABLE_FOLDERS)).toEqual([]);
  });

  it.each([
    ['a named import', "import { TerraformResource } from 'cdktf';\nif (x instanceof TerraformResource) f();"],
    [
      'a provider resource',
      "import { IamRole } from '@cdktf/provider-aws/lib/iam-role';\nconst r = x instanceof IamRole;",
    ],
    ['a namespace import', "import * as cdktf from 'cdktf';\nconst s = x instanceof cdktf.TerraformStack;"],
    ['a renamed import', "import { Construct as C } from 'constructs';\nconst c = !(x instanceof C);"],
  ])('finds instanceof on %s', (_label, code) => {
    const findings = toolchainInstanceofChecks('modules/example.ts', code);
    expect(findings).toHaveLength(1);
    expect(findings[0].at).toBe('modules/example.ts:2');
    expect(findings[0].message).toMatch(/static is\* check/);
  });

  it.each([
    [
      'the static is* check',
      "import { TerraformResource } from 'cdktf';\nif (TerraformResource.isTerraformResource(x)) f();",
    ],
    [
      'a class of the project',
      "import { ConfigError } from '../core/config-error';\nif (e instanceof ConfigError) f();",
    ],
    ['a built-in class', "import { Fn } from 'cdktf';\nif (e instanceof Error) Fn.join(',', []);"],
  ])('allows %s', (_label, code) => {
    expect(toolchainInstanceofChecks('modules/example.ts', code)).toEqual([]);
  });

  it('eslint rejects deep imports and the cdktn package names in the portable folders', () => {
    const code = [
      "import { TerraformStack } from 'cdktf/lib/terraform-stack';",
      "import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning/index';",
      "import { App } from 'cdktn';",
      "import { IamRole } from '@cdktf/provider-aws/lib/iam-role';",
      "import { Fn } from 'cdktf';",
      'export const all = [TerraformStack, S3BucketVersioningA, App, IamRole, Fn];',
      '',
    ].join('\n');
    const lint = (file: string) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'),
            '--format',
            'json',
            '--stdin',
            '--stdin-filename',
            file,
          ],
          { cwd: root, input: code, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] },
        ).toString() || '[]',
      ) as { messages: { line: number; ruleId: string }[] }[];
    let results: { messages: { line: number; ruleId: string }[] }[];
    try {
      results = lint('modules/example/portable.ts');
    } catch (error) {
      // eslint exits 1 when it reports errors; the report is on stdout.
      results = JSON.parse((error as { stdout: string }).stdout);
    }
    expect(results[0].messages.map((m) => [m.line, m.ruleId])).toEqual([
      [1, 'no-restricted-imports'],
      [2, 'no-restricted-imports'],
      [3, 'no-restricted-imports'],
    ]);
  });
});
