import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AssetType, TerraformAsset } from 'cdktf';
import type { Construct } from 'constructs';

/** The deployment package `npm run build` writes (handlers/launch-tagger/build.mjs). */
export const DEFAULT_BUNDLE_PATH = join(projectRoot(__dirname), 'dist', 'launch-tagger', 'launch-tagger.zip');

/**
 * The handler's deterministic zip as a FILE asset: the file is copied into the stack's output as
 * it is, so one build serves every stack and the synthesized output stays byte-identical.
 */
export function launchTaggerBundle(scope: Construct, id: string, zipPath = DEFAULT_BUNDLE_PATH): TerraformAsset {
  if (!existsSync(zipPath)) {
    throw new Error(
      `The launch tagger's deployment package ${zipPath} does not exist. Run \`npm run build\` first: it bundles handlers/launch-tagger into that zip`,
    );
  }
  // cdktf hashes the file for every asset: hashed once per file version instead, the same hash.
  const { size, mtimeMs } = statSync(zipPath);
  const version = `${zipPath}:${size}:${mtimeMs}`;
  const asset = new TerraformAsset(scope, id, { path: zipPath, type: AssetType.FILE, assetHash: hashes.get(version) });
  hashes.set(version, asset.assetHash);
  return asset;
}

/** cdktf's hash of each zip, by path, size and modification time. */
const hashes = new Map<string, string>();

/** The folder holding package.json above `from` (the same from source and from the compiled dist/). */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
