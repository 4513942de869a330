// Preloaded into a benchmarked process: prints its peak resident set size and CPU time when it
// exits (the process's, worker threads included; worker threads preload this too and print nothing).
const { isMainThread } = require('node:worker_threads');

if (isMainThread) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    process.stderr.write(
      `\nBENCH_MAX_RSS_KIB=${process.resourceUsage().maxRSS}\nBENCH_CPU_MS=${Math.round((user + system) / 1000)}\n`,
    );
  });
}
