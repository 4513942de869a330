// Jest's test order with the deploy suite first. Jest runs the files that took longest last time
// first, but on a fresh clone it has no timings and orders by file size, which put the deploy suite,
// the longest file by far (minutes, most of it the AWS provider waiting on the emulator), near the
// end of the run: the other worker then sat idle while it finished. Started first, its waits
// overlap the rest of the suite. The other emulator files follow it.
const Sequencer = require('@jest/test-sequencer').default;
const { join, sep } = require('node:path');

const DEPLOY_SUITE = join('test', 'deploy', 'deploy.test.ts');
const EMULATOR_FILES = `${sep}${join('test', 'deploy')}${sep}`;

const rank = (path) => (path.endsWith(DEPLOY_SUITE) ? 0 : path.includes(EMULATOR_FILES) ? 1 : 2);

class DeployFirstSequencer extends Sequencer {
  sort(tests) {
    // Array.prototype.sort is stable: within a rank, jest's own order stays.
    return super.sort(tests).sort((a, b) => rank(a.path) - rank(b.path));
  }
}

module.exports = DeployFirstSequencer;
