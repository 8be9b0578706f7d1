/**
 * `npm run bench`: every benchmark of the project, one after the other, each printing its own table.
 * Benchmarks measure; they never fail the build (targets are read from their output).
 */
const benches: ReadonlyArray<readonly [string, string]> = [
  ['handlers', './handlers'],
  ['synth', './synth'],
  ['pipeline', './pipeline'],
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  for (const [name, path] of benches) {
    if (only.length > 0 && !only.includes(name)) continue;
    const mod = (await import(path)) as { run: () => Promise<void> };
    console.log(`\n## bench: ${name}\n`);
    await mod.run();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
