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
  plugins: [commanderSpawnsOnDemand(), chalkAsksTtyOnDemand(), stringWidthSetUpOnDemand()],
  logLevel: 'warn',
});
asciiOnly(`${out}chatlint.cjs`);
asModuleFunction(`${out}chatlint.cjs`);
await build({
  input: { 'check-worker': entry('dist/cli/check-worker.js') },
  platform: 'node',
  output: { dir: out, format: 'esm', chunkFileNames: 'worker-[name]-[hash].js' },
  logLevel: 'warn',
});

/**
 * commander requires child_process as it loads, for subcommands that are executables of their own (chatlint
 * has none), and with it dgram and the socket list: Node modules a one-transcript check never uses (together
 * with the others left for first use, 8% of its instructions). Required when commander first spawns instead.
 */
function commanderSpawnsOnDemand() {
  return requiredOnDemand({
    name: 'commander-spawns-on-demand',
    file: 'commander/lib/command.js',
    eager: "const childProcess = require('node:child_process');",
    uses: /\bchildProcess\.(\w+)/g,
    used: ['spawn'],
    lazy: "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };",
  });
}

/**
 * chalk's copy of supports-color imports tty to ask whether stdout and stderr are terminals, and the bundle
 * requires every module imported by name as it starts: tty with net and streams, in every run, although
 * chalk is set up only when a report is coloured. Required when chalk first asks instead.
 */
function chalkAsksTtyOnDemand() {
  return requiredOnDemand({
    name: 'chalk-asks-tty-on-demand',
    file: 'chalk/source/vendor/supports-color/index.js',
    eager: "import tty from 'node:tty';",
    uses: /\btty\.(\w+)/g,
    used: ['isatty'],
    // Only a character device can be a terminal: stdout piped or written to a file is answered without tty (and the
    // net and stream modules it brings, ~4 ms of a pretty check); a terminal, /dev/null included, is asked as before.
    lazy: "const tty = { isatty: (fd) => { try { if (!require('node:fs').fstatSync(fd).isCharacterDevice()) return false; } catch { return false; } return require('node:tty').isatty(fd); } };",
  });
}

/**
 * string-width makes an Intl.Segmenter and five Unicode-property expressions as it loads: ICU's break rules and
 * property sets, ~15-25 ms of a pretty check, which the bundle paid whenever terminal-text.ts loaded, although
 * displayWidth counts plain CJK and ASCII text itself. They are made by its first call instead. The build
 * fails, naming the plugin, when the file is not bundled, no longer declares exactly these, or no longer exports
 * stringWidth.
 */
function stringWidthSetUpOnDemand() {
  const names = ['segmenter', 'zeroWidthClusterRegex', 'leadingNonPrintingRegex', 'rgiEmojiRegex', 'unqualifiedKeycapRegex', 'extendedPictographicRegex'];
  const entry = 'export default function stringWidth(input, options = {}) {';
  let seen = false;
  return {
    name: 'string-width-set-up-on-demand',
    transform(code, id) {
      if (!/[\\/]string-width[\\/]index\.js$/.test(id)) return null;
      seen = true;
      const declared = [...code.matchAll(/^const (\w+) = (.+);$/gm)];
      if (declared.map((d) => d[1]).join() !== names.join() || code.split(entry).length !== 2) {
        throw new Error(`${id}: no longer what scripts/bundle.mjs expects (module-level ${names.join(', ')}; ${entry}); update string-width-set-up-on-demand`);
      }
      let out = code;
      for (const [line] of declared) out = out.replace(line, '');
      const setUp = `let ${names.join(', ')};\nfunction setUp() {\n${declared.map((d) => `\t${d[1]} = ${d[2]};`).join('\n')}\n}\n`;
      return out.replace(entry, `${setUp}${entry}\n\tif (segmenter === undefined) setUp();`);
    },
    buildEnd() {
      if (!seen) throw new Error('string-width/index.js was not bundled; update string-width-set-up-on-demand in scripts/bundle.mjs');
    },
  };
}

/**
 * A transform that puts `lazy` (a require on first use; the bundle is CommonJS) in place of `eager` in
 * node_modules/`file`. The build fails, naming the plugin, when the file is not bundled, no longer has
 * `eager`, or uses the module for more than the members `used` (the `uses` pattern's first group).
 */
function requiredOnDemand({ name, file, eager, uses, used, lazy }) {
  const path = new RegExp(`[\\\\/]${file.split('/').map((part) => part.replace(/[.]/g, '\\.')).join('[\\\\/]')}$`);
  let seen = false;
  return {
    name,
    transform(code, id) {
      if (!path.test(id)) return null;
      seen = true;
      if (!code.includes(eager) || [...code.matchAll(uses)].some((use) => !used.includes(use[1]))) {
        throw new Error(`${id}: no longer what scripts/bundle.mjs expects (${eager} used for ${used.join(', ')}); update ${name}`);
      }
      return code.replace(eager, lazy);
    },
    buildEnd() {
      if (!seen) throw new Error(`${file} was not bundled; update ${name} in scripts/bundle.mjs`);
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

/**
 * bin/chatlint.js compiles the bundle as the function Node wraps a CommonJS module in. Written so in the
 * file, it is compiled from the text as read: wrapped as it was read, the source was copied once more, 1.7 MB
 * (~1% of a one-transcript check).
 */
function asModuleFunction(file) {
  const text = readFileSync(file, 'latin1');
  writeFileSync(file, `(function (exports, require, module, __filename, __dirname) {${text}\n})`, 'latin1');
}
