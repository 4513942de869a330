// Bundles the launch tagger into one deterministic zip. `npm run build` runs this as a script; the
// app command (stacks/run.mjs) calls `ensureLaunchTaggerBundle()`, which rebuilds only when an input
// changed, and every stack adds the same zip as a FILE asset (nothing is zipped again per stack).
// Writes dist/launch-tagger/{index.mjs,launch-tagger.zip,launch-tagger.zip.sha256,inputs.json}.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, version as esbuildVersion } from 'esbuild';
import { zipSync } from 'fflate';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const outdir = join(root, 'dist', 'launch-tagger');
const zipPath = join(outdir, 'launch-tagger.zip');
/** What the zip was built from: every bundled input's hash, so a changed input means a rebuild. */
const stampPath = join(outdir, 'inputs.json');

/**
 * The EC2 client's schema module writes object keys as computed names (`{ [_xN]: _it }` with
 * `const _xN = "xmlName"`). esbuild cannot prove a computed key free of side effects, so it keeps
 * every schema of all ~750 EC2 operations (about 550 KiB). Writing those keys as the string
 * literals they are lets tree shaking keep only what CreateTags and DescribeInstances use (and,
 * in the IAM client, what ListRoles uses).
 * The integration test runs the bundle against a local EC2 Query endpoint to prove it still works.
 */
const inlineSchemaKeys = {
  name: 'inline-sdk-schema-keys',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /client-(ec2|iam)[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const strings = new Map([...text.matchAll(/^const (_\w+) = ("[^"\n]*");$/gm)].map((m) => [m[1], m[2]]));
      const contents = text.replace(/([{,]\s*)\[(_\w+)\]:/g, (all, before, name) =>
        strings.has(name) ? `${before}${strings.get(name)}:` : all,
      );
      return { contents, loader: 'js' };
    });
  },
};

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** The stamp a build from these inputs writes: the bundler, this script and every input file. */
function stampOf(inputPaths) {
  return {
    esbuild: esbuildVersion,
    script: sha256(readFileSync(fileURLToPath(import.meta.url))),
    inputs: Object.fromEntries([...inputPaths].sort().map((path) => [path, sha256(readFileSync(join(root, path)))])),
  };
}

/** Whether the zip on disk was built from exactly the inputs as they are now. */
export function launchTaggerBundleIsCurrent() {
  if (!existsSync(zipPath) || !existsSync(stampPath)) return false;
  try {
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
    if (stamp.zip !== sha256(readFileSync(zipPath))) return false;
    const current = stampOf(Object.keys(stamp.inputs));
    return (
      current.esbuild === stamp.esbuild &&
      current.script === stamp.script &&
      Object.entries(current.inputs).every(([path, hash]) => stamp.inputs[path] === hash)
    );
  } catch {
    // An input that no longer exists (or an unreadable stamp): build again.
    return false;
  }
}

/** Bundles, zips and writes the deployment package. Returns a one-line summary. */
export async function buildLaunchTagger() {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(here, 'index.ts')],
    bundle: true,
    write: false,
    metafile: true,
    outfile: join(outdir, 'index.mjs'),
    format: 'esm',
    platform: 'node',
    target: 'node22',
    // The SDK's ES module build: smaller and lighter to load than its CommonJS build.
    mainFields: ['module', 'main'],
    minify: true,
    // No source map: it would carry this machine's absolute paths into the package.
    sourcemap: false,
    legalComments: 'none',
    plugins: [inlineSchemaKeys],
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].contents;

  // Fixed time (a local-time date: zip headers store local time), order and attributes, so the
  // same source gives the same bytes on any machine and in any time zone.
  const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
  const zip = zipSync(
    { 'index.mjs': [code, { level: 9, mtime: FIXED_MTIME, os: 3, attrs: 0o100644 << 16 }] },
    { level: 9, mtime: FIXED_MTIME },
  );
  const digest = createHash('sha256').update(zip).digest();

  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, 'index.mjs'), code);
  writeFileSync(zipPath, zip);
  writeFileSync(
    join(outdir, 'launch-tagger.zip.sha256'),
    `${digest.toString('hex')}  launch-tagger.zip\nbase64 ${digest.toString('base64')}\n`,
  );
  const stamp = { ...stampOf(Object.keys(result.metafile.inputs)), zip: digest.toString('hex') };
  writeFileSync(stampPath, `${JSON.stringify(stamp, null, 2)}\n`);
  return `launch tagger: index.mjs ${(code.length / 1024).toFixed(0)} KiB, launch-tagger.zip ${(zip.length / 1024).toFixed(0)} KiB, sha256 ${digest.toString('hex')}`;
}

/** Builds the deployment package only when it is missing or any of its inputs changed. */
export async function ensureLaunchTaggerBundle() {
  return launchTaggerBundleIsCurrent() ? undefined : buildLaunchTagger();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await buildLaunchTagger());
}
