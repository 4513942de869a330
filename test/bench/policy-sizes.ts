// The largest IAM policy of an environment as a share of its quota, for 1 to 8 regions, with every
// feature on and with the fewest, and for the production shapes (test/support/production-shapes.ts).
// Usage: node test/bench/policy-sizes.mjs   (npm run bench runs it)
import { PRODUCTION_SHAPES, everyFeature, minimumFeatures } from '../support/production-shapes';
import { buildEnvironment, policySizes } from '../support/policy-sizes';

const print = (line: string) => process.stdout.write(`${line}\n`);
const largest = (environment: Parameters<typeof buildEnvironment>[0]) => {
  const [top] = policySizes(buildEnvironment(environment));
  return { ...top, where: top.where.replace(/^[^/]+\/Default\//, '') };
};
const cell = (s: ReturnType<typeof largest>) =>
  `${(s.share * 100).toFixed(1).padStart(5)}% ${String(s.size).padStart(6)}/${s.maxChars} ${s.where}`;

print('largest IAM policy as a share of its quota (characters without whitespace; goal: at most 85%)');
print(`${'regions'.padEnd(8)} ${'every feature'.padEnd(70)} fewest features`);
let worst = 0;
for (let regions = 1; regions <= 8; regions++) {
  const all = largest(everyFeature(regions));
  const min = largest(minimumFeatures(regions));
  worst = Math.max(worst, all.share, min.share);
  print(`${String(regions).padEnd(8)} ${cell(all).padEnd(70)} ${cell(min)}`);
}
print('');
print('production shapes');
for (const [name, environment] of Object.entries(PRODUCTION_SHAPES)) {
  const s = largest(environment);
  worst = Math.max(worst, s.share);
  print(`  ${name.padEnd(26)} ${cell(s)}`);
}
print('');
print(`largest share: ${(worst * 100).toFixed(1)}%: goal of at most 85% ${worst <= 0.85 ? 'met' : 'NOT met'}`);
