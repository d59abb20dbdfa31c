// Part of `npm run build`: the command line as a few files in dist/bundle/ instead of ~220 modules, so a
// small run does not spend most of its time resolving, reading and compiling modules one by one (Node 20
// has no compile cache). Commands, formatters and libraries that are loaded on demand (`await import`)
// stay separate chunks, loaded only when used. Not minified: stack traces keep the names and a
// `//#region dist/<file>` comment above each module's code says where it came from.
import { rmSync } from 'node:fs';
import { build } from 'rolldown';

const root = new URL('../', import.meta.url);
const out = new URL('dist/bundle/', root);
rmSync(out, { recursive: true, force: true });
await build({
  // The worker threads of `check --jobs` start from their own entry and share the chunks they have in common.
  input: { chatlint: new URL('dist/cli/run.js', root).pathname, 'check-worker': new URL('dist/cli/check-worker.js', root).pathname },
  platform: 'node',
  // The bundle sits two folders down like every compiled module, so paths made from import.meta.url
  // (package.json, rules/, dist/parsed-packs.json, the worker) resolve the same from it.
  output: { dir: out.pathname, format: 'esm', chunkFileNames: '[name]-[hash].js' },
  logLevel: 'warn',
});
