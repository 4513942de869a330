// `npm run preflight`, and the first step of `npm test`: checks in about a second that this machine
// has everything the test suite uses, so that a missing tool stops `npm test` at once with its
// install command instead of failing tests after minutes. One line per missing prerequisite (what,
// what needs it, how to install it) and exit 1; one summary line and exit 0 when all are there.
//
// It looks where the suite looks: `terraform` and `python3` on PATH (or MOTO_PYTHON), the provider
// in TF_PROVIDER_MIRROR (or Terraform's own sources when that is unset), Chromium at CHROMIUM_PATH
// (default /usr/bin/chromium). Node.js's standard library only: it runs before anything else works.
import { execFile } from 'node:child_process';
import { constants, accessSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;

/** How long one version command may take; each one normally answers in well under a second. */
const COMMAND_TIMEOUT_MS = 10_000;
/** How long the Terraform registry may take to answer when no provider mirror is configured. */
const REGISTRY_TIMEOUT_MS = 1_500;

// What needs each prerequisite, as the missing line says it.
const EVERY_STEP = 'every step of npm test (tsc, eslint, typedoc, esbuild, jest)';
const TERRAFORM_TESTS =
  'the Terraform tests (init, validate, plan in test/terraform, test/modules, test/examples, test/cli, test/toolchains, test/deploy)';
const DEPLOY_SUITE = "the deploy suite (test/deploy deploys every environment on moto's server)";
const HTML_REPORT_TEST = 'test/cli/html-report.test.ts (renders the HTML report in headless Chromium)';

/** The oldest Terraform the suite runs with (test/terraform/plan.test.ts checks for 1.10 or newer). */
const TERRAFORM_MINIMUM = [1, 10];
const TERRAFORM_WANTED = `terraform ${TERRAFORM_MINIMUM.join('.')} or newer, ${TERRAFORM_MINIMUM[0]}.x`;
const PROVIDER_SOURCE = 'registry.terraform.io/hashicorp/aws';

/** A check's outcome: `summary` for the final line, or `missing`: the one line to print. */
const ok = (summary) => ({ summary });
const missing = (what, neededBy, install) => ({
  missing: `preflight: missing ${what}: needed by ${neededBy}; ${install}`,
});

/** Runs a command; never throws: `error` is set when it could not start, failed or timed out. */
function runCommand(file, args) {
  return new Promise((resolve) => {
    execFile(file, args, { encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS, env }, (error, stdout, stderr) => {
      resolve({ error, stdout, stderr });
    });
  });
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

const versionParts = (text) => (/(\d+)\.(\d+)\.(\d+)/.exec(text) ?? []).slice(1).map(Number);

function compareVersions(a, b) {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** Whether a version satisfies an npm range made of `>=`, `>`, `<=`, `<`, `=`, `^`, `~` comparators and `||`. */
function satisfies(version, range) {
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .every((comparator) => {
        const match = /^(>=|<=|>|<|=|\^|~)?v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(comparator);
        if (!match) return false;
        const [, op = '=', major, minor, patch] = match;
        const bound = [Number(major), Number(minor ?? 0), Number(patch ?? 0)];
        const cmp = compareVersions(version, bound);
        if (op === '>=') return cmp >= 0;
        if (op === '>') return cmp > 0;
        if (op === '<=') return cmp <= 0;
        if (op === '<') return cmp < 0;
        if (op === '^') return cmp >= 0 && version[0] === bound[0];
        if (op === '~') return cmp >= 0 && version[0] === bound[0] && version[1] === bound[1];
        // `=` or a bare version; a bare `20` means any 20.x.
        return minor === undefined ? version[0] === bound[0] : cmp === 0;
      }),
  );
}

function checkNode() {
  const range = readJson(join(root, 'package.json'))?.engines?.node ?? '>=0';
  const version = versionParts(process.versions.node);
  if (satisfies(version, range)) return ok(`node ${process.versions.node}`);
  return missing(
    `Node.js ${range} (this is ${process.versions.node})`,
    EVERY_STEP,
    `install a Node.js ${range}: https://nodejs.org/en/download`,
  );
}

/** Every package package.json names, installed at the version package-lock.json locks (what `npm ci` leaves). */
function checkNodeModules() {
  const lock = readJson(join(root, 'package-lock.json'));
  const manifest = readJson(join(root, 'package.json')) ?? {};
  const names = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).sort();
  const wrong = [];
  for (const name of names) {
    const locked = lock?.packages?.[`node_modules/${name}`]?.version;
    const installed = readJson(join(root, 'node_modules', name, 'package.json'))?.version;
    if (installed === undefined) wrong.push(`${name} not installed`);
    else if (locked !== undefined && installed !== locked) wrong.push(`${name} ${installed}, locked ${locked}`);
  }
  if (wrong.length === 0) return ok(undefined);
  const shown = wrong.slice(0, 3).join(', ') + (wrong.length > 3 ? ` and ${wrong.length - 3} more` : '');
  return missing(`node_modules as package-lock.json has it (${shown})`, EVERY_STEP, 'run: npm ci');
}

const TERRAFORM_INSTALL = `install ${TERRAFORM_WANTED} (Debian: HashiCorp's apt repository, \`apt-get install terraform\`; see https://developer.hashicorp.com/terraform/install)`;

async function checkTerraform() {
  const { error, stdout, stderr } = await runCommand('terraform', ['version', '-json']);
  if (error && error.code === 'ENOENT')
    return missing('terraform (not on the PATH)', TERRAFORM_TESTS, TERRAFORM_INSTALL);
  let version;
  try {
    version = JSON.parse(stdout).terraform_version;
  } catch {
    // Not JSON: reported below with the command's own error.
  }
  if (error || typeof version !== 'string') {
    return missing(
      `a working terraform (\`terraform version -json\` failed: ${failureOf(error, stderr)})`,
      TERRAFORM_TESTS,
      TERRAFORM_INSTALL,
    );
  }
  const parts = versionParts(version);
  if (parts[0] !== TERRAFORM_MINIMUM[0] || compareVersions(parts, TERRAFORM_MINIMUM) < 0) {
    return missing(`${TERRAFORM_WANTED} (this is ${version})`, TERRAFORM_TESTS, TERRAFORM_INSTALL);
  }
  return ok(`terraform ${version}`);
}

/** Terraform's name for this machine's platform, as in a mirror's `linux_amd64` folder. */
function terraformPlatform() {
  const os = { win32: 'windows' }[process.platform] ?? process.platform;
  const arch = { x64: 'amd64', ia32: '386' }[process.arch] ?? process.arch;
  return `${os}_${arch}`;
}

/** Whether a filesystem mirror folder holds the provider, in the unpacked or the packed layout. */
function mirrorHolds(mirror, version, platform) {
  const unpacked = join(mirror, PROVIDER_SOURCE, version, platform);
  try {
    if (readdirSync(unpacked).some((file) => file.startsWith('terraform-provider-aws'))) return true;
  } catch {
    // not in the unpacked layout
  }
  return existsSync(join(mirror, PROVIDER_SOURCE, `terraform-provider-aws_${version}_${platform}.zip`));
}

/**
 * Terraform's implicit local mirror folders on Unix, which it reads when no CLI config says otherwise
 * (not `terraform.d/plugins` in the working directory: the suite runs terraform in fresh copies).
 */
function implicitMirrors() {
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter(Boolean);
  return [
    join(homedir(), '.terraform.d', 'plugins'),
    ...[dataHome, ...dataDirs].map((d) => join(d, 'terraform', 'plugins')),
  ];
}

/** Whether the Terraform registry answers (only asked when no mirror is configured). */
function registryAnswers() {
  return new Promise((resolve) => {
    const req = request(
      'https://registry.terraform.io/.well-known/terraform.json',
      { method: 'GET', agent: false, timeout: REGISTRY_TIMEOUT_MS },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** The hashicorp/aws provider version the installed @cdktf/provider-aws binds (5.100.0 for 20.1.0). */
function boundProviderVersion() {
  return readJson(join(root, 'node_modules', '@cdktf', 'provider-aws', 'package.json'))?.cdktf?.provider?.version;
}

async function checkProvider() {
  const version = boundProviderVersion();
  // Without node_modules the version is unknown; the node_modules line already says what to do.
  if (version === undefined) return ok(undefined);
  const platform = terraformPlatform();
  const folder = `${PROVIDER_SOURCE}/${version}/${platform}/`;
  const what = `hashicorp/aws provider ${version} (${platform})`;
  const mirrorCommand = `\`terraform providers mirror -platform=${platform} DIR\` in cdktf.out/stacks/example, where the registry is reachable`;
  const mirror = env.TF_PROVIDER_MIRROR;
  if (mirror) {
    if (mirrorHolds(mirror, version, platform)) return ok(`aws provider ${version} (mirror ${mirror})`);
    return missing(
      `${what} in TF_PROVIDER_MIRROR=${mirror} (no ${folder})`,
      TERRAFORM_TESTS,
      `point TF_PROVIDER_MIRROR at a folder that holds ${folder} (make one with ${mirrorCommand})`,
    );
  }
  const local = implicitMirrors().find((dir) => mirrorHolds(dir, version, platform));
  if (local) return ok(`aws provider ${version} (local mirror ${local})`);
  if (await registryAnswers()) return ok(`aws provider ${version} (registry)`);
  const known = ['/opt/tf-plugins'].find((dir) => mirrorHolds(dir, version, platform));
  return missing(
    `hashicorp/aws provider ${version} (${platform}; TF_PROVIDER_MIRROR is not set, no local mirror holds it, and the Terraform registry did not answer)`,
    TERRAFORM_TESTS,
    known
      ? `run with TF_PROVIDER_MIRROR=${known} (it holds ${folder}), e.g. TF_PROVIDER_MIRROR=${known} npm test`
      : `set TF_PROVIDER_MIRROR to a folder that holds ${folder} (make one with ${mirrorCommand})`,
  );
}

// What the deploy suite's Python runs: moto's server (which needs flask and flask-cors) and boto3.
const PYTHON_CHECK = `
import json, importlib.metadata as m
try:
    import moto.server, flask_cors, boto3
except Exception as e:
    print(json.dumps({"error": "%s: %s" % (type(e).__name__, e)}))
else:
    print(json.dumps({"moto": m.version("moto"), "boto3": m.version("boto3")}))
`;

async function checkMoto() {
  const python = env.MOTO_PYTHON ?? 'python3';
  const install = `run: ${python} -m pip install 'moto[server]>=5,<6' (or set MOTO_PYTHON to a Python 3 that has it)`;
  const { error, stdout, stderr } = await runCommand(python, ['-c', PYTHON_CHECK]);
  if (error && error.code === 'ENOENT') {
    return missing(`${python} with moto 5 (${python} is not on the PATH)`, DEPLOY_SUITE, install);
  }
  let result;
  try {
    result = JSON.parse(stdout.trim().split('\n').pop());
  } catch {
    result = { error: `\`${python} -c ...\` failed: ${failureOf(error, stderr)}` };
  }
  if (result.error) return missing(`moto 5 in ${python} (${result.error})`, DEPLOY_SUITE, install);
  if (versionParts(result.moto)[0] !== 5) {
    return missing(`moto 5 in ${python} (this is moto ${result.moto})`, DEPLOY_SUITE, install);
  }
  return ok(`${python} moto ${result.moto}`);
}

async function checkChromium() {
  const path = env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const where =
    env.CHROMIUM_PATH === undefined ? `${path}, the default when CHROMIUM_PATH is unset` : `CHROMIUM_PATH=${path}`;
  const install =
    'run: apt-get update && apt-get install -y chromium (as .ci/run does), or set CHROMIUM_PATH to a Chromium or Chrome';
  let executable = false;
  try {
    executable = statSync(path).isFile();
    accessSync(path, constants.X_OK);
  } catch {
    executable = false;
  }
  if (!executable) return missing(`Chromium (nothing executable at ${where})`, HTML_REPORT_TEST, install);
  const { error, stdout, stderr } = await runCommand(path, ['--version']);
  if (error)
    return missing(
      `a working Chromium (\`${path} --version\` failed: ${failureOf(error, stderr)})`,
      HTML_REPORT_TEST,
      install,
    );
  const major = /(\d+)\.\d+/.exec(stdout)?.[1];
  return ok(major ? `chromium ${major}` : `chromium (${path})`);
}

/** Why a command failed, in a few words: the last line it printed on stderr, or how it ended. */
function failureOf(error, stderr) {
  // The last line that says something (terraform closes its boxed messages with a line of its own).
  const last = String(stderr)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /[A-Za-z0-9]/.test(line))
    .pop();
  if (last) return last.slice(0, 300);
  if (error?.killed) return `no answer within ${COMMAND_TIMEOUT_MS / 1000} s`;
  return typeof error?.code === 'number' ? `exit code ${error.code}` : 'no output';
}

const results = await Promise.all([
  checkNode(),
  checkNodeModules(),
  checkTerraform(),
  checkProvider(),
  checkMoto(),
  checkChromium(),
]);
const lines = results.filter((r) => r.missing).map((r) => r.missing);
if (lines.length > 0) {
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(
  `preflight: ${results
    .map((r) => r.summary)
    .filter(Boolean)
    .join(', ')}\n`,
);
process.exit(0);
