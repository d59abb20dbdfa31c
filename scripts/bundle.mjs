// Part of `npm run build`: the command line as one file instead of ~220 modules of dist/ loaded one by
// one, which was most of a small run's time (Node 20 has no module compile cache). It is CommonJS so that
// bin/chatlint.js can compile it through a V8 code cache (vm.Script's cachedData); what commands and
// formats import on demand is inlined and initialised only when used. The worker threads of `check
// --jobs` start from an ES module bundle of their own. Not minified: stack traces keep the names, and a
// `//#region dist/<file>` comment above each module's code says where it came from.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'rolldown';
import { parseSync } from 'rolldown/utils';

const root = new URL('../', import.meta.url);
const out = new URL('dist/bundle/', root).pathname;
const entry = (path) => new URL(path, root).pathname;
rmSync(out, { recursive: true, force: true });
// Both sit two folders down like every compiled module, so paths made from import.meta.url (package.json,
// rules/, dist/parsed-packs.json, the worker) resolve the same from them.
await build({
  input: { chatlint: entry('dist/cli/run.js') },
  platform: 'node',
  output: { dir: out, format: 'cjs', codeSplitting: false, entryFileNames: '[name].cjs', charset: 'ascii' },
  plugins: [commanderSpawnsOnDemand()],
  logLevel: 'warn',
});
asciiOnly(`${out}chatlint.cjs`);
await build({
  input: { 'check-worker': entry('dist/cli/check-worker.js') },
  platform: 'node',
  output: { dir: out, format: 'esm', chunkFileNames: 'worker-[name]-[hash].js' },
  logLevel: 'warn',
});

/**
 * commander requires child_process as it loads, for subcommands that are executables of their own (chatlint
 * has none), and with it dgram and the socket list: Node modules a one-transcript check never uses (together
 * with the others left for first use, 8% of its instructions). Required when commander first spawns instead;
 * the build fails if commander stops requiring it that way.
 */
function commanderSpawnsOnDemand() {
  const eager = "const childProcess = require('node:child_process');";
  let seen = false;
  return {
    name: 'commander-spawns-on-demand',
    transform(code, id) {
      if (!/[\\/]commander[\\/]lib[\\/]command\.js$/.test(id)) return null;
      seen = true;
      if (!code.includes(eager) || (code.match(/childProcess\.(\w+)/g) ?? []).some((use) => use !== 'childProcess.spawn')) {
        throw new Error(`${id}: commander no longer requires child_process as scripts/bundle.mjs expects; update commanderSpawnsOnDemand`);
      }
      return code.replace(eager, "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };");
    },
    buildEnd() {
      if (!seen) throw new Error('commander/lib/command.js was not bundled; update commanderSpawnsOnDemand in scripts/bundle.mjs');
    },
  };
}

/**
 * An ASCII bundle is read as Latin-1 by bin/chatlint.js, a copy where UTF-8 needs a decode (and V8 then keeps
 * the source one byte a character): ~8% of a one-transcript check's instructions. rolldown's `charset: 'ascii'`
 * escapes strings, patterns and names; this escapes what it leaves in comments, and fails the build on
 * non-ASCII text anywhere else (a String.raw template: put such text in by substitution).
 */
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  const { comments } = parseSync(file, text);
  let escaped = '';
  let from = 0;
  let comment = 0;
  for (const match of text.matchAll(/[^\x00-\x7f]/gu)) {
    while (comment < comments.length && comments[comment].end <= match.index) comment++;
    const inside = comments[comment];
    if (!inside || inside.start > match.index) {
      const line = text.slice(0, match.index).split('\n').length;
      throw new Error(`${file}:${line}: non-ASCII text outside a comment (${JSON.stringify(match[0])}); escape it in the source`);
    }
    escaped += `${text.slice(from, match.index)}\\u{${match[0].codePointAt(0).toString(16)}}`;
    from = match.index + match[0].length;
  }
  writeFileSync(file, escaped + text.slice(from), 'latin1');
}
