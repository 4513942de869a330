// Preloaded into a benchmarked process: prints its peak resident set size when it exits.
process.on('exit', () => {
  process.stderr.write(`\nBENCH_MAX_RSS_KIB=${process.resourceUsage().maxRSS}\n`);
});
