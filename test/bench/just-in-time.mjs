// Cedar validation time of the just-in-time approval policies (npm run bench, after the build):
// what JustInTimeApprovalPolicies adds to an environment's synth. Prints numbers; asserts nothing.
// Usage: node test/bench/just-in-time.mjs
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const RUNS = Number(process.env.BENCH_RUNS ?? 5) * 4;
const GOAL_MS = 100;

const loadStart = process.hrtime.bigint();
const { autoApprovalCedar, cedarProblems, denyAccessCedar } = require(join(root, 'dist/modules/just-in-time/cedar.js'));
const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;

const pairs = (n) =>
  Array.from({ length: n }, (_, i) => ({ principalTag: `Attr${i + 1}`, instanceTag: `ATTR_${i + 1}` }));
const shapes = [
  // The just-in-time production fixture: three ABAC groups of two tags, restricted instances excluded.
  ['prod: 3 groups x 2 tags, exclusion, deny-access', { attributeRule: { tags: pairs(2), groups: 3 } }],
  [
    '3 groups x 2 tags + principal-tag owner',
    {
      attributeRule: { tags: pairs(2), groups: 3 },
      principalTagOwnerRule: { principalTag: 'UserName', instanceTag: 'CreatedBy' },
    },
  ],
  ['20 groups x 3 tags (the schema maximum of groups)', { attributeRule: { tags: pairs(3), groups: 20 } }],
];
const deny = [{ tagKey: 'Restricted', values: ['true'] }];

function validateEnvironment(rules) {
  const auto = autoApprovalCedar({ ...rules, exceptWhenTagged: { key: 'Restricted', value: 'true' } });
  const problems = [...cedarProblems(auto), ...cedarProblems(denyAccessCedar(deny))];
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return auto.length;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const time = (fn) => {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
};

console.log('just-in-time: Cedar compile + strict validation per environment (auto-approval and deny-access)');
const firstMs = time(() => validateEnvironment(shapes[0][1]));
console.log(
  `  once per process: module load ${loadMs.toFixed(0)} ms, first validation ${firstMs.toFixed(0)} ms (WebAssembly warm-up and schema parse; an app of many environments pays it once)`,
);
let worst = 0;
for (const [label, rules] of shapes) {
  const samples = Array.from({ length: RUNS }, () => time(() => validateEnvironment(rules)));
  const ms = median(samples);
  worst = Math.max(worst, ms);
  console.log(
    `  ${label.padEnd(52)} ${ms.toFixed(2).padStart(7)} ms   ${String(validateEnvironment(rules)).padStart(6)} characters of Cedar   (median of ${RUNS})`,
  );
}
console.log(
  `goal per environment: < ${GOAL_MS} ms: ${worst < GOAL_MS ? 'met' : 'NOT met'} (worst median ${worst.toFixed(1)} ms; the once-per-process cost above comes on top)`,
);
