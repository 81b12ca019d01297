// Preloaded by the benchmark: writes this process's peak RSS (KiB) to BENCH_RSS_FILE on exit.
process.on('exit', () => {
  require('node:fs').writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
