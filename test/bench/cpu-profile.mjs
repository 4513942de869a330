// Summarizes the CPU profiles of synth worker threads: the share of the sampled time in a few
// categories (inclusive) and the functions with the most self time. The profiles come from
//   SSM_FEDERATED_ACCESS_SYNTH_THREADS=1 node --cpu-prof --cpu-prof-dir=DIR test/bench/generated-app.cjs 200 OUT
// (one file per thread; the main thread's only hands out batches and is left out).
// Usage: node test/bench/cpu-profile.mjs DIR [TOP]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [dir, top = '20'] = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  // CPU.<date>.<time>.<pid>.<thread id>.<sequence>.cpuprofile: thread 0 is the main thread.
  .filter((f) => f.split('.')[4] !== '0');
const where = (frame) =>
  `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/(dist\/)/, '$1')}:${frame.lineNumber + 1}`;
const categories = {
  "cdktf's token resolution": (f) =>
    f.functionName === 'resolve' && f.url.endsWith('cdktf/lib/tokens/private/resolve.js'),
  'stack trace capture': (f) => f.functionName === 'captureStackTrace',
  'module loading': (f) => ['compileFunction', 'wrapSafe', 'compileForInternalLoader'].includes(f.functionName),
  'resolving plain data (stacks/resolve-plain.ts)': (f) =>
    f.functionName === 'resolvePlain' && f.url.endsWith('stacks/resolve-plain.js'),
  'garbage collector': (f) => f.functionName === '(garbage collector)',
  'writing JSON (json-stable-stringify)': (f) =>
    f.functionName === 'stringify' && f.url.includes('json-stable-stringify'),
};
const inCategory = Object.fromEntries(Object.keys(categories).map((name) => [name, 0]));
const self = new Map();
let total = 0;
for (const file of files) {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id])));
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    total += micros;
    const key = where(nodes.get(id).callFrame);
    self.set(key, (self.get(key) ?? 0) + micros);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      for (const [name, test] of Object.entries(categories)) {
        if (!seen.has(name) && test(nodes.get(at).callFrame)) {
          seen.add(name);
          inCategory[name] += micros;
        }
      }
    }
  });
}
const share = (micros) => `${((100 * micros) / total).toFixed(1).padStart(5)}%`;
console.log(`${files.length} worker thread(s), ${(total / 1e6).toFixed(1)} s sampled`);
for (const [name, micros] of Object.entries(inCategory)) {
  console.log(`${share(micros)}  ${(micros / 1e6).toFixed(1).padStart(5)} s  ${name} (inclusive)`);
}
console.log('self time:');
for (const [key, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
  console.log(`${share(micros)}  ${key}`);
}
