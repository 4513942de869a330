// Bundles the launch tagger into one deterministic zip: `npm run build` runs this once per build,
// and every stack adds the same zip as a FILE asset (nothing is zipped again per stack).
// Writes dist/launch-tagger/{index.mjs,launch-tagger.zip,launch-tagger.zip.sha256}.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { zipSync } from 'fflate';

const here = dirname(fileURLToPath(import.meta.url));

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
const outdir = join(here, '..', '..', 'dist', 'launch-tagger');

const result = await build({
  entryPoints: [join(here, 'index.ts')],
  bundle: true,
  write: false,
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
const sha256 = createHash('sha256').update(zip).digest();

mkdirSync(outdir, { recursive: true });
writeFileSync(join(outdir, 'index.mjs'), code);
writeFileSync(join(outdir, 'launch-tagger.zip'), zip);
writeFileSync(
  join(outdir, 'launch-tagger.zip.sha256'),
  `${sha256.toString('hex')}  launch-tagger.zip\nbase64 ${sha256.toString('base64')}\n`,
);
console.log(
  `launch tagger: index.mjs ${(code.length / 1024).toFixed(0)} KiB, launch-tagger.zip ${(zip.length / 1024).toFixed(0)} KiB, sha256 ${sha256.toString('hex')}`,
);
