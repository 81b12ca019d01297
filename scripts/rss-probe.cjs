// Preloaded (NODE_OPTIONS) into every node process of a benchmark run: records
// the process's peak RSS (KiB) in BENCH_RSS_DIR/<pid> at exit. tsx's CLI runs
// the app in a child process, so the benchmark takes the largest.
process.on('exit', () => {
  const { join } = require('node:path');
  require('node:fs').writeFileSync(join(process.env.BENCH_RSS_DIR, String(process.pid)), String(process.resourceUsage().maxRSS));
});
