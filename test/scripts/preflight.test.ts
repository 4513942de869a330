import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * scripts/preflight.mjs, the first step of `npm test`: run as a child process with a PATH, a provider
 * mirror and a Chromium path made for each case, the way a fresh machine would have them. Stand-ins
 * for terraform, python3 and chromium are shell scripts that answer the one command the preflight
 * runs with each.
 */
const root = join(__dirname, '..', '..');
const SCRIPT = join(root, 'scripts', 'preflight.mjs');
const PROVIDER = JSON.parse(readFileSync(join(root, 'node_modules', '@cdktf', 'provider-aws', 'package.json'), 'utf8'))
  .cdktf.provider.version as string;

const temp = (name: string) => mkdtempSync(join(tmpdir(), `ssm-fa-preflight-${name}-`));

/** A folder for PATH holding `node` and the given stand-in commands (name -> shell script body). */
function binDir(commands: Record<string, string> = {}): string {
  const dir = temp('bin');
  symlinkSync(process.execPath, join(dir, 'node'));
  for (const [name, body] of Object.entries(commands)) writeCommand(join(dir, name), body);
  return dir;
}

function writeCommand(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/** A script body that prints `text` (printf is a shell builtin: the PATH holds only the stand-ins). */
const prints = (text: string) => `printf '%s\\n' '${text.replace(/'/g, "'\\''")}'`;
const terraform = (version: string) =>
  prints(JSON.stringify({ terraform_version: version, platform: 'linux_amd64', provider_selections: {} }));
const python = (result: object) => prints(JSON.stringify(result));
const CHROMIUM = 'echo "Chromium 156.0.8078.114 built on Debian GNU/Linux 12 (bookworm)"';

/** A filesystem mirror holding hashicorp/aws `version`, unpacked (as /opt/tf-plugins) or packed (a zip). */
function mirror(version: string, layout: 'unpacked' | 'packed' = 'unpacked'): string {
  const dir = temp('mirror');
  const aws = join(dir, 'registry.terraform.io', 'hashicorp', 'aws');
  if (layout === 'unpacked') {
    mkdirSync(join(aws, version, 'linux_amd64'), { recursive: true });
    writeFileSync(join(aws, version, 'linux_amd64', `terraform-provider-aws_v${version}_x5`), '');
  } else {
    mkdirSync(aws, { recursive: true });
    writeFileSync(join(aws, `terraform-provider-aws_${version}_linux_amd64.zip`), '');
  }
  return dir;
}

/** Everything present: the stand-ins answer as this machine's tools do. */
function goodSetup(): { bin: string; env: NodeJS.ProcessEnv } {
  const chromium = join(temp('chromium'), 'chromium');
  writeCommand(chromium, CHROMIUM);
  const bin = binDir({ terraform: terraform('1.11.4'), python3: python({ moto: '5.2.1', boto3: '1.43.11' }) });
  return { bin, env: { PATH: bin, HOME: temp('home'), TF_PROVIDER_MIRROR: mirror(PROVIDER), CHROMIUM_PATH: chromium } };
}

function preflight(env: NodeJS.ProcessEnv, script = SCRIPT) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [script], { env, encoding: 'utf8', timeout: 60_000 });
  const lines = result.stderr.split('\n').filter(Boolean);
  return { code: result.status, stdout: result.stdout, lines, ms: Date.now() - started };
}

const nodeVersion = process.versions.node;

describe('preflight on a machine without the tools', () => {
  it('names each missing prerequisite on one line, with what needs it and how to install it, and exits 1 at once', () => {
    const result = preflight({
      PATH: binDir(),
      HOME: temp('home'),
      TF_PROVIDER_MIRROR: temp('empty-mirror'),
      CHROMIUM_PATH: join(temp('nowhere'), 'chromium'),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.lines).toHaveLength(4);
    const line = (pattern: RegExp) => {
      const found = result.lines.filter((l) => pattern.test(l));
      expect(found).toHaveLength(1);
      return found[0];
    };
    expect(line(/^preflight: missing terraform \(not on the PATH\)/)).toMatch(
      /needed by the Terraform tests .*test\/terraform.*; install terraform 1\.10 or newer, 1\.x/,
    );
    expect(line(new RegExp(`^preflight: missing hashicorp/aws provider ${PROVIDER.replace(/\./g, '\\.')} `))).toMatch(
      new RegExp(
        `in TF_PROVIDER_MIRROR=.*empty-mirror.* \\(no registry\\.terraform\\.io/hashicorp/aws/${PROVIDER}/linux_amd64/\\): needed by the Terraform tests .*; point TF_PROVIDER_MIRROR at a folder`,
      ),
    );
    expect(line(/^preflight: missing python3 with moto 5 \(python3 is not on the PATH\)/)).toMatch(
      /needed by the deploy suite \(test\/deploy.*; run: python3 -m pip install 'moto\[server\]>=5,<6'/,
    );
    expect(line(/^preflight: missing Chromium \(nothing executable at CHROMIUM_PATH=.*nowhere.*\/chromium\)/)).toMatch(
      /needed by test\/cli\/html-report\.test\.ts .*; run: apt-get update && apt-get install -y chromium/,
    );
    // It stops `npm test` in seconds, not after the suite has run for minutes.
    expect(result.ms).toBeLessThan(5_000);
  });

  it('names Node.js and node_modules when the engines do not match and npm ci has not run', () => {
    // A project folder with the script, a manifest and a lock file, and no node_modules.
    const project = temp('project');
    mkdirSync(join(project, 'scripts'));
    copyFileSync(SCRIPT, join(project, 'scripts', 'preflight.mjs'));
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ engines: { node: '>=99' }, devDependencies: { jest: '29.7.0', typescript: '5.9.3' } }),
    );
    writeFileSync(
      join(project, 'package-lock.json'),
      JSON.stringify({
        packages: { 'node_modules/jest': { version: '29.7.0' }, 'node_modules/typescript': { version: '5.9.3' } },
      }),
    );
    const result = preflight(goodSetup().env, join(project, 'scripts', 'preflight.mjs'));
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([
      `preflight: missing Node.js >=99 (this is ${nodeVersion}): needed by every step of npm test (tsc, eslint, typedoc, esbuild, jest); install a Node.js >=99: https://nodejs.org/en/download`,
      'preflight: missing node_modules as package-lock.json has it (jest not installed, typescript not installed): needed by every step of npm test (tsc, eslint, typedoc, esbuild, jest); run: npm ci',
    ]);
  });
});

describe('preflight with each tool present but not usable', () => {
  it.each<[string, (setup: ReturnType<typeof goodSetup>) => void, RegExp]>([
    [
      'terraform older than 1.10',
      ({ bin }) => writeCommand(join(bin, 'terraform'), terraform('1.9.8')),
      /^preflight: missing terraform 1\.10 or newer, 1\.x \(this is 1\.9\.8\): needed by the Terraform tests/,
    ],
    [
      'terraform 2',
      ({ bin }) => writeCommand(join(bin, 'terraform'), terraform('2.0.0')),
      /^preflight: missing terraform 1\.10 or newer, 1\.x \(this is 2\.0\.0\)/,
    ],
    [
      'a terraform that fails',
      ({ bin }) => writeCommand(join(bin, 'terraform'), 'echo "cannot execute binary file" >&2; exit 126'),
      /^preflight: missing a working terraform \(`terraform version -json` failed: .*cannot execute binary file/,
    ],
    [
      'a mirror with another provider version only',
      ({ env }) => (env.TF_PROVIDER_MIRROR = mirror('5.99.0', 'packed')),
      new RegExp(
        `^preflight: missing hashicorp/aws provider ${PROVIDER.replace(/\./g, '\\.')} \\(linux_amd64\\) in TF_PROVIDER_MIRROR=`,
      ),
    ],
    [
      'a MOTO_PYTHON that does not exist',
      ({ env }) => (env.MOTO_PYTHON = 'python3.99'),
      /^preflight: missing python3\.99 with moto 5 \(python3\.99 is not on the PATH\): .*run: python3\.99 -m pip install/,
    ],
    [
      'a Chromium that does not start',
      ({ env }) => writeCommand(env.CHROMIUM_PATH!, 'echo "error while loading shared libraries" >&2; exit 127'),
      /^preflight: missing a working Chromium \(`.*chromium --version` failed: .*error while loading shared libraries/,
    ],
  ])('%s: one line naming it', (_label, breakIt, expected) => {
    const setup = goodSetup();
    breakIt(setup);
    const result = preflight(setup.env);
    expect(result.code).toBe(1);
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatch(expected);
  });
});

/**
 * The real python3 of this machine, with a folder put before its own packages on PYTHONPATH: a
 * `moto` there shadows the installed one, so the preflight's own import check runs as written.
 */
describe("preflight's moto check in a real python3", () => {
  const realPython = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], {
    encoding: 'utf8',
  }).stdout.trim();

  function shadowed(moto: { init: string; version?: string }): ReturnType<typeof goodSetup> {
    const setup = goodSetup();
    const shadow = temp('pythonpath');
    mkdirSync(join(shadow, 'moto'));
    writeFileSync(join(shadow, 'moto', '__init__.py'), moto.init);
    writeFileSync(join(shadow, 'moto', 'server.py'), '');
    if (moto.version) {
      mkdirSync(join(shadow, `moto-${moto.version}.dist-info`));
      writeFileSync(
        join(shadow, `moto-${moto.version}.dist-info`, 'METADATA'),
        `Metadata-Version: 2.1\nName: moto\nVersion: ${moto.version}\n`,
      );
    }
    writeCommand(join(setup.bin, 'python3'), `PYTHONPATH=${shadow} exec ${realPython} "$@"`);
    return setup;
  }

  it('names the import error of a moto that cannot load', () => {
    const result = preflight(shadowed({ init: 'raise ModuleNotFoundError("No module named \'werkzeug\'")' }).env);
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([
      expect.stringMatching(
        /^preflight: missing moto 5 in python3 \(ModuleNotFoundError: No module named 'werkzeug'\): needed by the deploy suite/,
      ),
    ]);
  });

  it('names a moto that is not 5.x', () => {
    const result = preflight(shadowed({ init: '', version: '4.2.14' }).env);
    expect(result.lines).toEqual([
      expect.stringMatching(/^preflight: missing moto 5 in python3 \(this is moto 4\.2\.14\)/),
    ]);
  });

  it('passes with the installed moto', () => {
    const setup = goodSetup();
    writeCommand(join(setup.bin, 'python3'), `exec ${realPython} "$@"`);
    const result = preflight(setup.env);
    expect(result.lines).toEqual([]);
    expect(result.stdout).toMatch(/, python3 moto 5\.\d+\.\d+, chromium 156\n$/);
  });
});

describe('preflight with everything present', () => {
  it('prints one line saying what it found, and exits 0', () => {
    const { env } = goodSetup();
    const result = preflight(env);
    expect(result.lines).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `preflight: node ${nodeVersion}, terraform 1.11.4, aws provider ${PROVIDER} (mirror ${env.TF_PROVIDER_MIRROR}), python3 moto 5.2.1, chromium 156\n`,
    );
  });

  it('takes the packed mirror layout, a MOTO_PYTHON and a CHROMIUM_PATH', () => {
    const { bin, env } = goodSetup();
    writeCommand(join(bin, 'python3-moto'), python({ moto: '5.0.0', boto3: '1.40.0' }));
    const result = preflight({ ...env, TF_PROVIDER_MIRROR: mirror(PROVIDER, 'packed'), MOTO_PYTHON: 'python3-moto' });
    expect(result.lines).toEqual([]);
    expect(result.stdout).toMatch(/, python3-moto moto 5\.0\.0, chromium 156\n$/);
  });

  it("finds the provider in Terraform's implicit local mirror when TF_PROVIDER_MIRROR is unset", () => {
    const { env } = goodSetup();
    const home = temp('home');
    const plugins = join(home, '.terraform.d', 'plugins');
    const { TF_PROVIDER_MIRROR: _unset, ...withoutMirror } = env;
    cpSync(mirror(PROVIDER), plugins, { recursive: true });
    const result = preflight({
      ...withoutMirror,
      HOME: home,
      XDG_DATA_HOME: temp('data'),
      XDG_DATA_DIRS: temp('data'),
    });
    expect(result.lines).toEqual([]);
    expect(result.stdout).toContain(`, aws provider ${PROVIDER} (local mirror ${plugins}), `);
  });

  it('passes on this machine', () => {
    const result = preflight(process.env);
    expect(result.lines).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^preflight: node \d+\.\d+\.\d+, terraform 1\.\d+\.\d+, aws provider \d+\.\d+\.\d+ \(.+\), \S+ moto 5\.\d+\.\d+, chromium \d+\n$/,
    );
  });
});
