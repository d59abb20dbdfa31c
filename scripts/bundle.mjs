// Part of `npm run build`: the command line as one file instead of ~220 modules of dist/ loaded one by
// one, which was most of a small run's time (Node 20 has no module compile cache). It is CommonJS so that
// bin/chatlint.js can compile it through a V8 code cache (vm.Script's cachedData); what commands and
// formats import on demand is inlined and initialised only when used. The worker threads of `check
// --jobs` start from an ES module bundle of their own. Not minified: stack traces keep the names, and a
// `//#region dist/<file>` comment above each module's code says where it came from.
import { rmSync } from 'node:fs';
import { build } from 'rolldown';

const root = new URL('../', import.meta.url);
const out = new URL('dist/bundle/', root).pathname;
const entry = (path) => new URL(path, root).pathname;
rmSync(out, { recursive: true, force: true });
// Both sit two folders down like every compiled module, so paths made from import.meta.url (package.json,
// rules/, dist/parsed-packs.json, the worker) resolve the same from them.
await build({
  input: { chatlint: entry('dist/cli/run.js') },
  platform: 'node',
  output: { dir: out, format: 'cjs', codeSplitting: false, entryFileNames: '[name].cjs' },
  logLevel: 'warn',
});
await build({
  input: { 'check-worker': entry('dist/cli/check-worker.js') },
  platform: 'node',
  output: { dir: out, format: 'esm', chunkFileNames: 'worker-[name]-[hash].js' },
  logLevel: 'warn',
});
