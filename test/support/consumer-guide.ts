/**
 * Documentation trees for the check-docs tests: a consumer guide (docs/guides/consumer-apps.md) with
 * its install lines, a tsconfig.json and, unless left out, one compiled example that needs every
 * package the install lines name.
 */
const fence = '```';

/** A consumer guide: the install lines, a tsconfig.json and one compiled example. */
export function consumerGuide(
  options: { typescript?: string; types?: string; moduleResolution?: string; example?: boolean } = {},
): string {
  const compilerOptions = {
    target: 'ES2022',
    module: 'node16',
    ...(options.moduleResolution ? { moduleResolution: options.moduleResolution } : {}),
    lib: ['ES2022'],
    types: ['node'],
    strict: true,
    skipLibCheck: true,
    noEmitOnError: true,
    outDir: 'dist',
  };
  return [
    '# Consumer apps',
    '',
    `${fence}sh`,
    'npm install ssm-federated-access cdktf@0.21.0 @cdktf/provider-aws@20.1.0 constructs@10.4.2',
    `npm install -D cdktf-cli@0.21.0 ${options.typescript ?? 'typescript@5.9.3'} ${options.types ?? '@types/node@20.19.43'}`,
    `${fence}`,
    '',
    `${fence}json`,
    JSON.stringify({ compilerOptions, include: ['main.ts'] }, null, 2),
    `${fence}`,
    '',
    ...(options.example === false ? [] : example),
  ].join('\n');
}

/** A compiled example that needs the guide's packages: the package, a provider resource, Node.js types. */
const example = [
  '<!-- compile -->',
  '',
  `${fence}ts`,
  "import { readFileSync } from 'node:fs';",
  "import { AwsProvider } from '@cdktf/provider-aws/lib/provider';",
  "import { App, TerraformStack } from 'cdktf';",
  "import { type EnvironmentInput, OWNERSHIP_TAG } from 'ssm-federated-access';",
  "const stack = new TerraformStack(new App(), 'app');",
  "new AwsProvider(stack, 'aws', { region: 'eu-west-1' });",
  "const name: EnvironmentInput['name'] = readFileSync('name.txt', 'utf8') + OWNERSHIP_TAG;",
  'void name;',
  `${fence}`,
  '',
];
