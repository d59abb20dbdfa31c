// Part of `npm run build`: the built-in rule packs parsed once, so a run that uses one reads JSON instead
// of loading and running the YAML parser (a third of a small run's start-up). Keyed by the SHA-256 of the
// YAML text: an edited pack simply misses and is parsed as before.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { parseDocument } from 'yaml';

const root = new URL('../', import.meta.url);
const packs = {};
for (const name of readdirSync(new URL('rules/', root)).filter((f) => /\.ya?ml$/.test(f)).sort()) {
  const text = readFileSync(new URL(`rules/${name}`, root), 'utf8');
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) continue;
  const data = doc.toJS({ maxAliasCount: 100 });
  // Only packs that JSON carries unchanged (no dates, no special numbers).
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(data)), data)) continue;
  packs[createHash('sha256').update(text).digest('hex')] = data;
}
writeFileSync(new URL('dist/parsed-packs.json', root), `${JSON.stringify(packs)}\n`);
