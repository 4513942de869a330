/**
 * `npm run plan-report -- [--offline] [--out FILE] [--save-plans DIR] [--plan ENV=PLAN.json ...] [ENV ...]`
 *
 * Synthesizes, runs `terraform plan` for each environment (with the credentials in the
 * environment, or with --offline the dummy-credential mode the tests use), and writes one Markdown
 * report for pull-request review. `--plan ENV=FILE` reads a saved `terraform show -json` plan
 * instead of planning; `--save-plans DIR` keeps each plan as `DIR/<ENV>.json` for that.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentSources, loadEnvironments } from '../../environments';
import { buildApp } from '../../stacks/app';
import { planOffline, showPlanJson } from '../support/terraform';
import { accessDiff } from './plan-report/access-diff';
import { buildEnvironmentReport } from './plan-report/build-report';
import { type EnvironmentReport, renderReport } from './plan-report/render';
import { parsePlan } from './plan-report/terraform-plan';

interface Options {
  offline: boolean;
  out?: string;
  savePlans?: string;
  plans: Map<string, string>;
  names: string[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = { offline: false, plans: new Map(), names: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--offline') options.offline = true;
    else if (arg === '--out') options.out = argv[++i];
    else if (arg === '--save-plans') options.savePlans = argv[++i];
    else if (arg === '--plan') {
      const [env, file] = (argv[++i] ?? '').split('=');
      if (!env || !file) throw new Error('--plan takes ENV=FILE, a terraform show -json plan of that environment');
      options.plans.set(env, file);
    } else if (arg.startsWith('--'))
      throw new Error(`unknown option ${arg}; see the comment at the top of test/tools/plan-report.ts`);
    else options.names.push(arg);
  }
  return options;
}

function livePlan(stackDir: string): string {
  const run = (args: string[]) =>
    execFileSync('terraform', args, {
      cwd: stackDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 256 * 1024 * 1024,
    });
  run(['init', '-input=false', '-no-color']);
  run(['plan', '-input=false', '-no-color', '-lock=false', '-out=tfplan']);
  return showPlanJson(stackDir);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const configs = loadEnvironments(environmentSources);
  const unknown = options.names.filter((n) => !configs.some((c) => c.name === n));
  if (unknown.length > 0)
    throw new Error(`no environment named ${unknown.join(', ')}; known: ${configs.map((c) => c.name).join(', ')}`);
  const selected = options.names.length > 0 ? configs.filter((c) => options.names.includes(c.name)) : configs;

  const outdir = join(process.cwd(), 'cdktf.out');
  // Always synthesized: the access matrix reads the policies as this branch builds them.
  buildApp(configs, { outdir }).synth();

  const reports: EnvironmentReport[] = [];
  for (const config of selected) {
    const saved = options.plans.get(config.name);
    const stackDir = join(outdir, 'stacks', config.name);
    const stack = {
      name: config.name,
      dir: stackDir,
      json: JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')),
    };
    let text: string;
    if (saved) text = readFileSync(saved, 'utf8');
    else if (options.offline) text = showPlanJson(planOffline(stackDir, stack.json).dir);
    else text = livePlan(stackDir);
    const plan = parsePlan(text, saved ?? `${config.name} plan`);
    if (options.savePlans) {
      mkdirSync(options.savePlans, { recursive: true });
      writeFileSync(join(options.savePlans, `${config.name}.json`), text);
    }
    const mode = options.offline ? 'offline' : 'live';
    reports.push(await buildEnvironmentReport(config.name, mode, plan, (p) => accessDiff(config, stack, p)));
  }

  const markdown = renderReport(reports);
  if (options.out) writeFileSync(options.out, markdown);
  else process.stdout.write(markdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
