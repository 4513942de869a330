import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A local AWS API emulator (moto's server) on 127.0.0.1, one process per AWS account, for the
 * deploy suite. Patches named in `patches` are test-only fixes of emulator gaps
 * (test/deploy/moto_server.py; each is listed with its evidence in test/deploy/emulator-gaps.ts).
 */
export interface Emulator {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly accountId: string;
  /**
   * An AWS shared config file whose profile {@link EMULATOR_PROFILE} sends every service's requests
   * to this emulator (`endpoint_url`, which the AWS SDK applies to every service).
   */
  readonly configFile: string;
  /** Everything the emulator printed, for error messages. */
  log(): string;
  stop(): Promise<void>;
}

const PYTHON = process.env.MOTO_PYTHON ?? 'python3';

/** The profile of {@link Emulator.configFile}. */
export const EMULATOR_PROFILE = 'emulator';

/** test/deploy, found from the project root (this file also runs bundled, from dist/bench). */
function deployDir(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'test', 'deploy');
  }
  throw new Error(`no package.json above ${__dirname}`);
}
const SERVER_SCRIPT = join(deployDir(), 'moto_server.py');

/** Fails with the fix when moto is not importable by the Python the suite uses. */
export function checkEmulatorInstalled(): string {
  const result = spawnSync(PYTHON, ['-c', 'import moto, flask, flask_cors; print(moto.__version__)'], {
    encoding: 'utf8',
  });
  if (result.error || result.status !== 0) {
    throw new Error(
      `The deploy suite needs moto's server (a local AWS API emulator) in ${PYTHON}, and it is not importable:\n` +
        `${result.error?.message ?? result.stderr.trim()}\n` +
        `Install it with \`${PYTHON} -m pip install 'moto[server]>=5,<6'\` (or set MOTO_PYTHON to a Python that has it), then run the tests again.`,
    );
  }
  return result.stdout.trim();
}

/** A TCP port that was free a moment ago. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Seconds an emulator may take to answer. It starts in about 2 s on an idle machine, but the deploy
 * suite starts one per account of every environment at once, beside the other test files' work.
 */
const READY_SECONDS = 120;

async function ready(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_SECONDS * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the emulator exited with ${child.exitCode}:\n${output()}`);
    try {
      // moto's own API answers once the server is up.
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the emulator did not answer on ${endpoint} within ${READY_SECONDS} s:\n${output()}`);
}

export async function startEmulator(accountId: string, patches: readonly string[]): Promise<Emulator> {
  checkEmulatorInstalled();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(
    PYTHON,
    [SERVER_SCRIPT, ...patches.flatMap((p) => ['--patch', p]), '-H', '127.0.0.1', '-p', String(port)],
    {
      env: {
        ...process.env,
        // Every request is made in the environment's account, so the provider's account guard holds.
        MOTO_ACCOUNT_ID: accountId,
        // The AWS-managed policies exist, as in a real account.
        MOTO_IAM_LOAD_MANAGED_POLICIES: 'true',
        PYTHONUNBUFFERED: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const chunks: string[] = [];
  child.stdout!.on('data', (d) => chunks.push(String(d)));
  child.stderr!.on('data', (d) => chunks.push(String(d)));
  const log = () => chunks.join('').slice(-20_000);
  const configDir = mkdtempSync(join(tmpdir(), 'ssm-fa-emulator-'));
  const configFile = join(configDir, 'aws-config');
  writeFileSync(configFile, `[profile ${EMULATOR_PROFILE}]\nendpoint_url = ${endpoint}\n`);
  const stop = () =>
    new Promise<void>((resolve) => {
      rmSync(configDir, { recursive: true, force: true });
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  try {
    await ready(endpoint, child, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, accountId, configFile, log, stop };
}

/**
 * Delivers the S3 server access log records the emulator holds back (its `s3-access-log-delivery`
 * patch stands in for S3's delayed, best-effort delivery); returns how many it delivered.
 */
export async function deliverAccessLogs(endpoint: string): Promise<number> {
  const response = await fetch(`${endpoint}/moto-api/s3/deliver-access-logs`, { method: 'POST' });
  if (!response.ok) throw new Error(`delivering access logs on ${endpoint}: HTTP ${response.status}`);
  return ((await response.json()) as { delivered: number }).delivered;
}

/** One AWS API call for test/deploy/aws_calls.py (boto3): method and parameters as boto3 names them. */
export interface AwsCall {
  readonly service: string;
  readonly region: string;
  readonly method: string;
  readonly params?: Record<string, unknown>;
}

export type AwsCallResult =
  | { readonly ok: true; readonly result: Record<string, unknown> }
  | {
      readonly ok: false;
      readonly error: { readonly code?: string; readonly status?: number; readonly message: string };
    };

const CALLS_SCRIPT = join(deployDir(), 'aws_calls.py');

/** Runs the calls in order against the emulator; a failed call is a result, not an exception. */
export async function awsCalls(endpoint: string, calls: readonly AwsCall[]): Promise<AwsCallResult[]> {
  if (calls.length === 0) return [];
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [CALLS_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`aws_calls.py exited with ${code}:\n${stderr}`));
      resolve(JSON.parse(stdout) as AwsCallResult[]);
    });
    child.stdin.end(JSON.stringify({ endpoint, calls }));
  });
}

/** The result of a call that must succeed. */
export function okResult(result: AwsCallResult, what: string): Record<string, unknown> {
  if (!result.ok) throw new Error(`${what} failed on the emulator: ${result.error.message}`);
  return result.result;
}
