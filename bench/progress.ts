/**
 * Progress on stderr while a benchmark runs (stdout keeps only its tables): what runs now, n of N,
 * and the time since the section started, so that a long section never looks stuck.
 */
export function progress(section: string, total: number): (what: string) => void {
  const started = Date.now();
  let done = 0;
  return (what) => {
    done += 1;
    const elapsed = Math.round((Date.now() - started) / 1000);
    process.stderr.write(`[bench ${section}] ${done} of ${total}: ${what} (${elapsed} s elapsed)\n`);
  };
}
