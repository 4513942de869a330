// Jest's test order: the deploy suite first, then the longest files, so that no long file is left
// running alone at the end while the other worker has nothing to do. Jest runs the files that took
// longest last time first, but on a fresh clone (CI) it has no timings and orders by file size: that
// started the deploy suite, the longest file (minutes, much of it the AWS provider waiting on the
// emulator), near the end, and the Terraform plan files, among the longest and the smallest, last.
// Without timings, the seconds below stand in for them.
const Sequencer = require('@jest/test-sequencer').default;
const { relative, sep } = require('node:path');

const DEPLOY_SUITE = 'test/deploy/deploy.test.ts';

/**
 * Wall seconds of the files that take 15 s or more, each run alone (`npx jest <file>` on the
 * project's 2-core machine, load average 4-8; see docs/guides/testing.md). Only the order matters.
 */
const EXPECTED_SECONDS = {
  'test/deploy/deploy.test.ts': 200,
  'test/terraform/production-shapes.test.ts': 120,
  'test/examples/consumer-app.test.ts': 95,
  'test/deploy/just-in-time.test.ts': 48,
  'test/terraform/offline-override.test.ts': 39,
  'test/docs/check-docs.test.ts': 37,
  'test/stacks/synth-threads.test.ts': 36,
  'test/stacks/app-command.test.ts': 35,
  'test/stacks/selected-stacks.test.ts': 32,
  'test/cli/deploy-record.test.ts': 32,
  'test/cli/changed-stacks.test.ts': 30,
  'test/terraform/plan.test.ts': 26,
  'test/stacks/access-matrix.test.ts': 24,
  'test/modules/launch-tagger.test.ts': 24,
  'test/deploy/emulator-gaps.test.ts': 23,
  'test/cli/plan-report.test.ts': 22,
  'test/cli/environments-shards.test.ts': 22,
  'test/toolchains/cdk-terrain.test.ts': 20,
  'test/stacks/ci-roles.test.ts': 20,
  'test/docs/consumer-install.test.ts': 19,
  'test/environments/configuration-space.test.ts': 17,
  'test/environments/organization.test.ts': 16,
  'test/stacks/app.test.ts': 16,
  'test/stacks/just-in-time.test.ts': 15,
};

const projectPath = (test) => relative(test.context.config.rootDir, test.path).split(sep).join('/');

class LongestFirstSequencer extends Sequencer {
  sort(tests) {
    // Jest's order first: files that failed last time, then by last time's duration (set on each
    // test here), else by size.
    const sorted = super.sort(tests);
    const seconds = (test) =>
      test.duration != null ? test.duration / 1000 : (EXPECTED_SECONDS[projectPath(test)] ?? -1);
    const rank = (test) => (projectPath(test) === DEPLOY_SUITE ? 0 : this.hasFailed(test) ? 1 : 2);
    // Array.prototype.sort is stable: files with neither a time nor an estimate keep jest's order.
    return sorted.sort((a, b) => rank(a) - rank(b) || seconds(b) - seconds(a));
  }
}

module.exports = LongestFirstSequencer;
