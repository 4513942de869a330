import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * `cdktf synth|diff|deploy` run the app command of cdktf.json. In a copy of the repository as a
 * clone has it (no dist/, node_modules as `npm ci` left it), the real cdktf CLI must synthesize
 * straight away, and every edit of an environment must show in the next synth: a stale build must
 * never be what gets deployed.
 */
const root = join(__dirname, '..', '..');

function cloneLikeCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ssm-fa-clone-'));
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(root, file))) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(root, file), join(dir, file));
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * The environment of an operator's shell. A TF_CLI_CONFIG_FILE naming a file that does not exist
 * (as on some build machines) makes every `terraform` call, the CLI's version check included, warn
 * about it; that is the machine's setting, not the app's, so it is left out here.
 */
function operatorEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1', FORCE_COLOR: '0' };
  if (env.TF_CLI_CONFIG_FILE && !existsSync(env.TF_CLI_CONFIG_FILE)) delete env.TF_CLI_CONFIG_FILE;
  return env;
}

function cdktfSynth(dir: string) {
  return spawnSync(join(dir, 'node_modules', '.bin', 'cdktf'), ['synth'], {
    cwd: dir,
    encoding: 'utf8',
    env: operatorEnv(),
    timeout: 180_000,
  });
}

const stackJson = (dir: string, name: string) =>
  JSON.parse(readFileSync(join(dir, 'cdktf.out', 'stacks', name, 'cdk.tf.json'), 'utf8'));

/**
 * A copy of the output of the first `cdktf synth` in a fresh clone: every stack, as the sources are
 * committed. Both groups below compare with it; it is made once, by whichever needs it first.
 */
let fullSynthCopy: string | undefined;
function keepFullSynth(dir: string): string {
  fullSynthCopy = mkdtempSync(join(tmpdir(), 'ssm-fa-full-'));
  cpSync(join(dir, 'cdktf.out'), fullSynthCopy, { recursive: true });
  return fullSynthCopy;
}
function fullSynth(): string {
  if (fullSynthCopy) return fullSynthCopy;
  const dir = cloneLikeCopy();
  expect(cdktfSynth(dir).status).toBe(0);
  return keepFullSynth(dir);
}

describe('the app command (cdktf.json) from a fresh clone', () => {
  let dir: string;
  let first: ReturnType<typeof cdktfSynth>;

  beforeAll(() => {
    dir = cloneLikeCopy();
    expect(existsSync(join(dir, 'dist'))).toBe(false);
    first = cdktfSynth(dir);
    if (first.status === 0) keepFullSynth(dir);
  }, 240_000);

  it('synthesizes every environment with no build step first', () => {
    expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(readdirSync(join(dir, 'cdktf.out', 'stacks')).sort()).toEqual(['dev', 'example', 'prod']);
  });

  it('builds the launch tagger zip byte for byte as `npm run build` does', () => {
    const built = readFileSync(join(dir, 'dist', 'launch-tagger', 'launch-tagger.zip'));
    expect(built.equals(readFileSync(join(root, 'dist', 'launch-tagger', 'launch-tagger.zip')))).toBe(true);
  });

  it('prints no telemetry error and no warning on the happy path', () => {
    expect(`${first.stdout}\n${first.stderr}`).not.toMatch(/checkpoint-api|ENOTFOUND|\bWARN|\[ERROR\]/);
  });

  it('shows an edited environment in the next synth', () => {
    const file = join(dir, 'environments', 'prod.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("accountId: '345678901234'", "accountId: '345678901299'"));
    const result = cdktfSynth(dir);
    expect(result.status).toBe(0);
    expect(stackJson(dir, 'prod').provider.aws[0].allowed_account_ids).toEqual(['345678901299']);
  }, 240_000);

  it('rebuilds the launch tagger when one of its sources changed, to the same bytes', () => {
    const before = readFileSync(join(dir, 'dist', 'launch-tagger', 'launch-tagger.zip'));
    const source = join(dir, 'handlers', 'launch-tagger', 'errors.ts');
    writeFileSync(source, `${readFileSync(source, 'utf8')}\n// edited\n`);
    const result = cdktfSynth(dir);
    expect(result.status).toBe(0);
    expect(result.stdout + result.stderr).toMatch(/launch tagger: index\.mjs/);
    expect(readFileSync(join(dir, 'dist', 'launch-tagger', 'launch-tagger.zip')).equals(before)).toBe(true);
  }, 240_000);

  it('fails on a bad edit, naming the file and field, and writes no stack', () => {
    const file = join(dir, 'environments', 'prod.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("accountId: '345678901299'", "accountId: '34567'"));
    execFileSync('rm', ['-rf', join(dir, 'cdktf.out')]);
    const result = cdktfSynth(dir);
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain(
      'environments/prod.ts: accountId must be a 12-digit AWS account id',
    );
    expect(existsSync(join(dir, 'cdktf.out', 'stacks'))).toBe(false);
  }, 240_000);
});

describe('npm run deploy|diff -- <stack> (scripts/cdktf.mjs) with the real cdktf CLI', () => {
  let dir: string;
  let full: string;

  function wrapper(args: string[], env: NodeJS.ProcessEnv = {}) {
    return spawnSync(process.execPath, [join(dir, 'scripts', 'cdktf.mjs'), ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...operatorEnv(), ...env },
      timeout: 180_000,
    });
  }

  beforeAll(() => {
    // A fresh clone with every stack written, as after a full `cdktf synth` (the first synth below
    // builds the app itself, as the first one above does).
    dir = cloneLikeCopy();
    full = fullSynth();
    cpSync(full, join(dir, 'cdktf.out'), { recursive: true });
  }, 240_000);

  it('cdktf synth with SSM_FEDERATED_ACCESS_STACKS: the manifest lists the stack, written as a full synth writes it', () => {
    const result = spawnSync(join(dir, 'node_modules', '.bin', 'cdktf'), ['synth'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...operatorEnv(), SSM_FEDERATED_ACCESS_STACKS: 'prod' },
      timeout: 180_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Generated Terraform code for the stacks: prod');
    const manifest = JSON.parse(readFileSync(join(dir, 'cdktf.out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks)).toEqual(['prod']);
    // cdktf removes the folders of stacks the manifest does not list.
    expect(readdirSync(join(dir, 'cdktf.out', 'stacks'))).toEqual(['prod']);
    const files = (root: string, sub: string): string[] =>
      readdirSync(join(root, sub), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(root, join(sub, e.name)) : [join(sub, e.name)],
      );
    const prodFiles = files(join(dir, 'cdktf.out'), 'stacks/prod').sort();
    expect(prodFiles).toEqual(files(full, 'stacks/prod').sort());
    expect(prodFiles.some((f) => f.includes('assets'))).toBe(true);
    for (const file of prodFiles) {
      expect({ file, same: readFileSync(join(dir, 'cdktf.out', file)).equals(readFileSync(join(full, file))) }).toEqual(
        {
          file,
          same: true,
        },
      );
    }
  }, 240_000);

  it('cdktf diff <stack> finds the one stack written and goes on to Terraform with it', () => {
    const result = wrapper(['diff', 'prod']);
    const output = result.stdout + result.stderr;
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'cdktf.out', 'manifest.json'), 'utf8')).stacks)).toEqual([
      'prod',
    ]);
    expect(output).not.toContain('Could not find stack');
    // Offline, Terraform's init of prod's S3 backend is as far as it gets.
    expect(output).toMatch(/prod\s+Initializing the backend/);
  }, 240_000);

  it('an unknown stack stops cdktf before Terraform, naming the closest stacks', () => {
    const result = wrapper(['deploy', 'prdo', '--auto-approve']);
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain(
      'SSM_FEDERATED_ACCESS_STACKS: no environment is named "prdo"; closest: prod, dev, example.',
    );
    expect(result.stdout + result.stderr).not.toMatch(/Initializing/);
  }, 240_000);

  it('takes the stack names from the positional arguments only, and leaves patterns to cdktf', () => {
    const parse = (args: string[]) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `import { cdktfEnvironment } from ${JSON.stringify(join(dir, 'scripts', 'cdktf.mjs'))};
             const env = cdktfEnvironment(${JSON.stringify(args)}, {});
             process.stdout.write(JSON.stringify(env));`,
          ],
          { encoding: 'utf8' },
        ),
      );
    expect(parse(['prod', '--auto-approve', '--var-file', 'x.tfvars', 'dev'])).toEqual({
      CHECKPOINT_DISABLE: '1',
      SSM_FEDERATED_ACCESS_STACKS: 'prod,dev',
    });
    expect(parse(['--output', 'out', '-a', 'node app.js', '--parallelism=3', 'prod'])).toEqual({
      CHECKPOINT_DISABLE: '1',
      SSM_FEDERATED_ACCESS_STACKS: 'prod',
    });
    expect(parse(['--auto-approve'])).toEqual({ CHECKPOINT_DISABLE: '1' });
    expect(parse(['team-*'])).toEqual({ CHECKPOINT_DISABLE: '1' });
  });
});
