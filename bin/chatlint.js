#!/usr/bin/env node
// Runs the command line as bundled by `npm run build` (scripts/bundle.mjs): one CommonJS file, compiled
// through a V8 code cache kept in the user's cache folder (as the regex-safety verdicts are:
// CHATLINT_CACHE_DIR, empty for none, else $XDG_CACHE_HOME/chatlint or ~/.cache/chatlint). Compiling the
// bundle was the largest part of a small run's start-up; the cache also holds the functions a run compiled.
// This file is CommonJS (bin/package.json): an ES module entry starts Node's ES module loader, 4% of a
// one-transcript check's instructions.
'use strict';
const { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { homedir } = require('node:os');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const bundle = join(__dirname, '../dist/bundle/chatlint.cjs');
const cacheDir = cacheFolder(process.env);
// V8 checks a cache against its own version and flags and the source's length, not its text: the name
// carries the bundle's size and time, so a rebuilt bundle never runs another build's code.
const { size, mtimeMs } = statSync(bundle);
const build = `${process.version}-${process.arch}-${size}-${Math.trunc(mtimeMs)}`;
const cacheName = `code-${build}.bin`;
const cacheFile = cacheDir ? join(cacheDir, cacheName) : undefined;
let cachedData;
try {
  if (cacheFile) cachedData = readFileSync(cacheFile);
} catch {
  // No cache yet: compiled from source, then cached below.
}
// The build makes the bundle ASCII, and one function expression of a CommonJS module's arguments
// (scripts/bundle.mjs): read as Latin-1, a copy with no UTF-8 decode, and compiled as read.
const script = new Script(readFileSync(bundle, 'latin1'), { filename: bundle, cachedData });
const bundled = { exports: {} };
script.runInThisContext()(bundled.exports, createRequire(bundle), bundled, bundle, dirname(bundle));
// The bundle keeps the rule files it parsed there too, for runs of this very build.
bundled.exports.run({ folder: cacheDir, build }).then(() => {
  // The cache holds the functions the run compiled, and is kept while V8 accepts it: only a check (or an audit)
  // writes one (a cache written by `--help` would serve every later check no better than none), and not after
  // a big input changed V8's flags (the next run would refuse it).
  const args = process.argv.slice(2);
  const command = args.find((arg) => !arg.startsWith('-'));
  const asksForHelp = args.some((arg) => arg === '--help' || arg === '-h' || arg === '--version' || arg === '-V');
  const worthCaching = (command === 'check' || command === 'audit') && !asksForHelp && !bundled.exports.v8FlagsChanged();
  if (cacheFile && worthCaching && (cachedData === undefined || script.cachedDataRejected)) saveCache(cacheFile, script.createCachedData());
});

/** The folder for the cache, or '' for none (also when there is no home folder to find). */
function cacheFolder(env) {
  try {
    return env.CHATLINT_CACHE_DIR ?? (env.XDG_CACHE_HOME ? join(env.XDG_CACHE_HOME, 'chatlint') : join(homedir(), '.cache', 'chatlint'));
  } catch {
    return '';
  }
}

/** Written whole or not at all (a temporary file renamed); older builds' caches are removed. Never fails the run. */
function saveCache(file, data) {
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, data, { mode: 0o600 });
    renameSync(temp, file);
    for (const name of readdirSync(cacheDir)) if (/^code-.*\.bin$/.test(name) && name !== cacheName) unlinkSync(join(cacheDir, name));
  } catch {
    // An unwritable cache folder only means compiling again next time.
  }
}
