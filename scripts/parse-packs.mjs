// Part of `npm run build`, after tsc: the built-in rule packs worked out once, so a run that uses one as
// shipped reads JSON instead of loading and running the YAML parser (a third of a small run's start-up),
// and takes each rule as its kind's schema returned it here instead of running zod again (~15 ms more).
// Packs are keyed by the SHA-256 of their YAML text and rules by their JSON text: an edited pack or rule
// simply misses and is parsed and validated as before. Rules count only under the V8 that validated them.
// The packs' texts and their rulesets' digests are kept too: a run with a pack as shipped knows the pack by
// its text and its ruleset hash without loading crypto (~5% of a small run). So are their top levels as the
// rule-file schema returned them: such a run builds no zod schema at all (~6%). So is what compiling the packs
// worked out of their patterns (text/remembered.ts, ~5%), and their zones' offsets (model/zone-offsets.ts).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

const root = new URL('../', import.meta.url);
const { findKind } = await import(new URL('dist/rules/registry.js', root).href);
const { PARSE_CONFIG, survivingJson, loadBuiltPacks, digestsTakenBy } = await import(new URL('dist/config/parse.js', root).href);
const { loadRuleset } = await import(new URL('dist/config/load.js', root).href);
const { ruleFileSchema } = await import(new URL('dist/config/schema.js', root).href);
const { withPatternsTrusted } = await import(new URL('dist/rules/regex-safety.js', root).href);
const { resultsTakenBy } = await import(new URL('dist/text/remembered.js', root).href);
const { assertTimeZone } = await import(new URL('dist/input/time/timestamps.js', root).href);
const { zoneOffsetChanges } = await import(new URL('dist/report/local-time.js', root).href);

const packs = {};
const texts = {};
const loaded = [];
const validated = {};
const tops = {};
const zones = new Set();
for (const name of readdirSync(new URL('rules/', root)).filter((f) => /\.ya?ml$/.test(f)).sort()) {
  const text = readFileSync(new URL(`rules/${name}`, root), 'utf8');
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) continue;
  const data = doc.toJS({ maxAliasCount: 100 });
  // Only what JSON carries unchanged (no dates, no special numbers, no undefined values).
  if (survivingJson(data) === undefined) continue;
  const key = createHash('sha256').update(text).digest('hex');
  packs[key] = data;
  texts[key] = text;
  loaded.push(new URL(`rules/${name}`, root).pathname);
  const top = ruleFileSchema().safeParse(data, PARSE_CONFIG);
  if (top.success) {
    const { rules: _rules, ...fields } = data;
    const { rules: _validatedRules, ...validatedFields } = top.data;
    const text = survivingJson(validatedFields);
    if (text !== undefined) tops[JSON.stringify(fields)] = text;
  }
  if (typeof data.timezone === 'string') {
    try {
      assertTimeZone(data.timezone);
      zones.add(data.timezone);
    } catch {
      // A pack with a bad zone is refused at run time, as any rule file is.
    }
  }
  for (const entry of Array.isArray(data.rules) ? data.rules : []) {
    const kind = typeof entry?.kind === 'string' ? findKind(entry.kind) : undefined;
    if (!kind) continue;
    const parsed = withPatternsTrusted(entry.trustPatterns === true, () => kind.schema.safeParse(entry, PARSE_CONFIG));
    const rule = parsed.success ? survivingJson(parsed.data) : undefined;
    if (rule !== undefined) validated[JSON.stringify(entry)] = rule;
  }
}
// Each pack's ruleset as a check loads it, from the sources alone (not an earlier build's file): the digests
// its hash took, and what compiling it worked out of its patterns.
loadBuiltPacks(new URL('parsed-packs-absent.json', root));
let digests;
const analyses = resultsTakenBy(() => {
  digests = digestsTakenBy(() => {
    for (const path of loaded) {
      try {
        loadRuleset({ rules: path });
      } catch {
        // A pack that does not load is refused at run time, as any rule file is.
      }
    }
  });
});
// The packs' zones' offsets by UTC hour for 2000-2049, as Intl gives them (~0.5 s a zone): a report prints
// local times of those years without an Intl.DateTimeFormat (~11 ms of a small pretty check), under this tz
// database and ICU only.
const hourOf = (year) => Date.UTC(year, 0, 1) / 3_600_000;
const zoneOffsets = { tz: process.versions.tz, icu: process.versions.icu, from: hourOf(2000), to: hourOf(2050), zones: {} };
for (const zone of zones) if (zone !== 'UTC') zoneOffsets.zones[zone] = zoneOffsetChanges(zone, zoneOffsets.from, zoneOffsets.to);
writeFileSync(new URL('dist/parsed-packs.json', root), `${JSON.stringify({ v8: process.versions.v8, packs, texts, validated, tops, zones: [...zones], digests, analyses, zoneOffsets })}\n`);
