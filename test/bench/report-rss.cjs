// Preloaded into a benchmarked process: prints its peak resident set size when it exits (the
// process's, worker threads included; worker threads preload this too and print nothing).
const { isMainThread } = require('node:worker_threads');

if (isMainThread) {
  process.on('exit', () => {
    process.stderr.write(`\nBENCH_MAX_RSS_KIB=${process.resourceUsage().maxRSS}\n`);
  });
}
