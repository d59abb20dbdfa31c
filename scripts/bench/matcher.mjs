// Phrase matching alone: the Aho–Corasick automaton against the alternation RegExp it replaced, at 50 and
// 10,000 phrases, over the agent texts of a generated export (prints ms per pass; run after npm run build).
//   node scripts/bench/matcher.mjs night.jsonl
import { readFileSync } from 'node:fs';
import { PhraseAutomaton } from '../../dist/text/phrase-automaton.js';
import { foldWidth, literalSource } from '../../dist/text/fold.js';
import { benchPhrases } from './phrases.mjs';

const texts = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((r) => r.role === 'agent').map((r) => foldWidth(r.text)).slice(0, 200_000);
const time = (f) => { f(); const t = performance.now(); const n = f(); return [performance.now() - t, n]; };
for (const count of [50, 200, 10_000]) {
  const phrases = benchPhrases(count).sort((a, b) => b.length - a.length);
  const regex = new RegExp(phrases.map(literalSource).join('|'), 'giu');
  const automaton = new PhraseAutomaton(phrases.map(foldWidth), true);
  const [rt, rn] = time(() => { let n = 0; for (const t of texts) { regex.lastIndex = 0; while (regex.exec(t)) n++; } return n; });
  const [at, an] = time(() => { let n = 0; for (const t of texts) n += automaton.findAll(t).length; return n; });
  console.log(`${String(count).padStart(6)} phrases, ${texts.length} texts: RegExp ${rt.toFixed(0)} ms (${rn} hits), automaton ${at.toFixed(0)} ms (${an} hits)`);
}
