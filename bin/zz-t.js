const t0 = performance.now();
const { run } = await import('../dist/bundle/chatlint.js');
const t1 = performance.now();
process.on('exit', () => process.stderr.write(`boot ${t0.toFixed(0)} import ${(t1 - t0).toFixed(0)} run ${(performance.now() - t1).toFixed(0)}\n`));
await run();
