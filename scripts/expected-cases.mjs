// Expected outputs live beside their fixtures as `<name>.expected` files (the extension no reader takes,
// so checking the fixture folder never reads them). Each is a terminal transcript: its first line is the
// command, `$ chatlint check <args>` (run from the repository root), and the rest is exactly what the
// command printed on stdout. The cases are whatever such files exist: adding one is adding a file.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const PROMPT = '$ chatlint ';

/** Every `*.expected` file under `fixtures/`, as paths relative to `root` with "/" separators, sorted. */
export function expectedFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.expected')) out.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(join(root, 'fixtures'));
  return out.sort();
}

/** Splits a command line the way a POSIX shell does for words and single quotes (all the files use). */
function words(line) {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

/** One case: its command line, the arguments after `chatlint`, and the output the command must print. */
export function readCase(root, file) {
  const text = readFileSync(join(root, file), 'utf8');
  const end = text.indexOf('\n');
  const command = text.slice(0, end);
  if (!command.startsWith(PROMPT)) throw new Error(`${file}: the first line must be the command, "${PROMPT}check …"`);
  return { file, command, args: words(command.slice(PROMPT.length)), output: text.slice(end + 1) };
}

/** The file's text for a command and what it printed. */
export function caseText(command, output) {
  return `${command}\n${output}`;
}
