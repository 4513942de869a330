import type { BuildOptions } from 'esbuild';

/** esbuild options for a bundle that runs on the project's Node.js; add `entryPoints` and `outfile`. */
export declare const NODE_BUNDLE: Readonly<BuildOptions>;
