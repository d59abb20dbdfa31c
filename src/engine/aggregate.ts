import type { Conversation, Message, SkippedRecord } from '../model/message.js';
import {
  printedList,
  SCHEMA_VERSION,
  type AgentSummary,
  type ConversationSummary,
  type Finding,
  type InputFile,
  type Report,
  type ReportSource,
  type ScoreStats,
  type Waiver,
} from '../model/report.js';
import { agentScore, scoreFindings, scoreStatsOf, type ScoringPolicy } from './score.js';
import { isoTimestamp } from './apply-rules.js';
import { EntryStore, parseElements, waiverKey, type EntryList } from './entry-store.js';
import type { ConversationEntry } from './entry.js';
import { keyedByInput, own } from '../model/records.js';

// The entry type lives on its own so the store and the sink need not import this file (no import loop).
export type { ConversationEntry } from './entry.js';

/** Scoring as a partial report carries it: plain data, rules in pack order. */
export interface PartialScoring {
  base: number;
  passMark: number;
  rules: Array<[ruleId: string, rule: { points?: number | undefined; maxPoints?: number | undefined; critical: boolean }]>;
}

/**
 * What one run (or one shard, or one partition) found, before the report is assembled: everything the
 * report needs and nothing that depends on other runs. Partial reports merge (mergeReports) into exactly
 * the report one run over everything would have written.
 */
export interface PartialReport {
  chatlintPartial: 1;
  tool: Report['tool'];
  ruleset: Report['ruleset'];
  scoring: PartialScoring;
  /** Which shard this is (1-based), of how many; 1 of 1 for a whole run. */
  shard: { index: number; count: number };
  /** Files read, in read order. */
  files: string[];
  /**
   * Every input as reading met it (format, encoding), with the records and skips reading accounted for
   * (read skips, unreadable files); the messages and duplicates of each conversation are added from its entry.
   */
  inputs: InputFile[];
  /** Files as reading met them (read or not), for putting skips back in read order. */
  readOrder: string[];
  /** Records skipped while reading, in read order; of the skips every shard sees, each keeps the ones it owns. */
  readSkips: SkippedRecord[];
  conversations: ConversationEntry[];
  /** The waivers the run was given; a waiver is unused in the report when no conversation's entry used it. */
  waivers: Waiver[];
}

export function policyOf(scoring: PartialScoring): ScoringPolicy {
  return { base: scoring.base, passMark: scoring.passMark, rules: new Map(scoring.rules) };
}

type AgentRow = ConversationEntry['agentMessages'][number];

/**
 * A checked conversation's entry: its summary and score, and what it adds to each agent's tally. `oneFile`:
 * the file every message came from, when the caller knows it (grouping notes it), so no message's source is
 * looked at.
 */
export function conversationEntry(
  conversation: Conversation,
  findings: Finding[],
  waived: Report['waived'],
  policy: ScoringPolicy,
  duplicates: SkippedRecord[] = [],
  oneFile?: string,
): ConversationEntry {
  const agentMessages: ConversationEntry['agentMessages'] = [];
  // Most conversations come from one file and have one to three agents: no Map for either until needed.
  const { messages } = conversation;
  const firstFile = messages.length === 0 ? undefined : (oneFile ?? (messages[0] as Message).source.file);
  let inFirstFile = oneFile === undefined ? 0 : messages.length;
  let byFile: Map<string, number> | undefined;
  let last: AgentRow | undefined;
  for (const message of messages) {
    if (oneFile === undefined) {
      const file = message.source.file;
      if (byFile === undefined && file === firstFile) inFirstFile++;
      else {
        byFile ??= new Map([[firstFile as string, inFirstFile]]);
        byFile.set(file, (byFile.get(file) ?? 0) + 1);
      }
    }
    const { agentId } = message;
    if (message.role !== 'agent' || agentId === undefined) continue;
    // Replies come in runs from one agent: the last one's row first, then a scan of the few others.
    let entry = last !== undefined && last[0] === agentId ? last : undefined;
    for (let i = 0; entry === undefined && i < agentMessages.length; i++) if ((agentMessages[i] as AgentRow)[0] === agentId) entry = agentMessages[i];
    if (entry === undefined) agentMessages.push((entry = [agentId, message.agentName ?? null, 0]));
    entry[1] ??= message.agentName ?? null;
    entry[2]++;
    last = entry;
  }
  // A loop, not map and some: an empty list from map is an array of another kind, and code made for one kind
  // is thrown away and compiled again when the other comes.
  const agentIds: string[] = [];
  let smallIndex = false;
  for (let i = 0; i < agentMessages.length; i++) {
    const agentId = (agentMessages[i] as AgentRow)[0];
    agentIds.push(agentId);
    if (isSmallIndex(agentId)) smallIndex = true;
  }
  const score = scoreFindings(findings, policy);
  // An agent is scored on their own findings, so a colleague's slow reply after a transfer is not theirs.
  const agentScores = smallIndex ? keyedBySparseIndexes<number>() : keyedByInput<number>();
  const agentCritical: boolean[] = [];
  for (const agentId of agentIds) {
    const own = findings.length === 0 ? score : agentScore(findings, policy, agentId);
    agentScores[agentId] = own.score;
    agentCritical.push(own.critical);
  }
  const first = messages[0];
  const summary: ConversationSummary = {
    conversationId: conversation.id,
    agents: agentIds,
    startedAt: first ? isoTimestamp(first.timestamp) : '',
    messages: messages.length,
    findings: findings.length,
    // The score's fields one by one, in its order (a spread here makes a slower, bigger object).
    score: score.score,
    passed: score.passed,
    critical: score.critical,
    deductions: score.deductions,
    agentScores,
    source: { file: firstFile ?? '' },
  };
  const messagesByFile: Array<[string, number]> = byFile ? [...byFile] : firstFile === undefined ? [] : [[firstFile, inFirstFile]];
  return { summary, findings, waived, agentMessages, agentCritical, messagesByFile, duplicates };
}

/** Index keys from here on go to a dictionary anyway: V8 makes no array for an index this far past its elements (its kMaxGap). */
const FAR_INDEX = 1024;

/** Whether a key is an array index below FAR_INDEX ("7", "1000"; not "01", "1273" or "A12"). */
function isSmallIndex(key: string): boolean {
  if (key.length === 0 || key.length > 4 || (key.length > 1 && key.charCodeAt(0) === 0x30)) return false;
  let n = 0;
  for (let i = 0; i < key.length; i++) {
    const digit = key.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return false;
    n = n * 10 + digit;
  }
  return n < FAR_INDEX;
}

/** Past every index V8 keeps in an array: setting it makes an object's indexed keys a dictionary for good. */
const DICTIONARY_INDEX = 2 ** 32 - 2;

/**
 * A keyedByInput record for keys that may be array indexes (agent "1000"): V8 gives an object whose first
 * index key is below about 1024 an array as long as the index (12 KB for agent 1000, per conversation);
 * an index past any array makes its indexed keys a dictionary from the start (keys and order unchanged).
 * Only for small indexes: a far one (agent "1273") makes the dictionary itself, at half the cost.
 */
function keyedBySparseIndexes<T>(): Record<string, T> {
  const record = keyedByInput<T>() as Record<string | number, T>;
  record[DICTIONARY_INDEX] = undefined as T;
  delete record[DICTIONARY_INDEX];
  return record;
}

/** Scores kept compactly (8 bytes each) for averages and medians, with how many a bottom-line rule failed. */
class ScoreList {
  private values = new Float64Array(16);
  private length = 0;
  private critical = 0;

  push(score: number, critical: boolean): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = score;
    if (critical) this.critical++;
  }

  stats(passMark: number): ScoreStats {
    return scoreStatsOf(this.values.subarray(0, this.length), this.critical, passMark);
  }
}

interface AgentTally {
  agentId: string;
  agentName: string | null;
  conversations: number;
  messages: number;
  findings: number;
  byRule: Record<string, number>;
  scores: ScoreList;
}

/** What a partial report says besides its entries (they are in an EntryStore). */
export type PartialHead = Omit<PartialReport, 'conversations'>;

/** A report read from an EntryStore: skips (read skips, then duplicates) are few and kept as an array. */
export type StoreReport = Omit<ReportSource, 'skipped'> & Pick<Report, 'skipped'>;

/**
 * The report from the entries of a run (or of its parts) in a store, and what each part read. The head
 * (summary, agents, unused waivers) is folded in one pass over the entries in report order, so every sum
 * adds in the same order however the work was split; findings, conversations and waived findings are
 * read from the store again on each pass a writer makes, so none of them is held.
 */
export function reportFromStore(store: EntryStore, parts: readonly PartialHead[]): StoreReport {
  const first = parts[0];
  if (!first) throw new Error('reportFromStore needs at least one partial report');
  const policy = policyOf(first.scoring);
  const agents = new Map<string, AgentTally>();
  const agent = (agentId: string, agentName: string | null): AgentTally => {
    let tally = agents.get(agentId);
    if (!tally) {
      tally = { agentId, agentName, conversations: 0, messages: 0, findings: 0, byRule: keyedByInput<number>(), scores: new ScoreList() };
      agents.set(agentId, tally);
    }
    tally.agentName ??= agentName;
    return tally;
  };
  // Each input's records and skips: what reading counted in every part, plus each conversation's messages
  // and duplicates; format and encoding as first known.
  const inputs = new Map<string, InputFile>();
  const inputOf = (path: string): InputFile => {
    let known = inputs.get(path);
    if (!known) inputs.set(path, (known = { path, format: null, encoding: null, records: 0, skipped: 0 }));
    return known;
  };
  for (const part of parts) {
    for (const input of part.inputs) {
      const known = inputs.get(input.path);
      if (!known) inputs.set(input.path, { ...input });
      else Object.assign(known, { format: known.format ?? input.format, encoding: known.encoding ?? input.encoding, records: known.records + input.records, skipped: known.skipped + input.skipped });
    }
  }
  const scores = new ScoreList();
  const bySeverity = { error: 0, warning: 0, info: 0 };
  const duplicates: SkippedRecord[] = [];
  const usedWaivers = new Set<string>();
  let conversations = 0;
  let messages = 0;
  let findings = 0;
  let waived = 0;
  for (const stored of store.entries()) {
    // The head's fields in their order (see FlatHead); the findings' tally, not the findings: this pass never reads them from disk.
    const head = stored.head();
    conversations++;
    messages += head.number();
    scores.push(head.number(), head.flag());
    for (let n = head.number(); n > 0; n--) {
      const tally = agent(head.string(), head.name());
      tally.messages += head.number();
      tally.conversations++;
    }
    const error = head.number();
    const warning = head.number();
    const info = head.number();
    findings += error + warning + info;
    bySeverity.error += error;
    bySeverity.warning += warning;
    bySeverity.info += info;
    for (let n = head.number(); n > 0; n--) {
      const tally = agent(head.string(), head.name());
      tally.findings += head.number();
      for (let rules = head.number(); rules > 0; rules--) {
        const ruleId = head.string();
        tally.byRule[ruleId] = (own(tally.byRule, ruleId) ?? 0) + head.number();
      }
    }
    for (let n = head.number(); n > 0; n--) {
      const tally = agent(head.string(), null);
      const agentScore = head.number();
      tally.scores.push(agentScore, head.flag());
    }
    for (let n = head.number(); n > 0; n--) {
      const input = inputOf(head.string());
      input.records += head.number();
    }
    for (const duplicate of head.skips()) {
      const input = inputOf(duplicate.file);
      input.records++;
      input.skipped++;
      duplicates.push(duplicate);
    }
    const used = head.number();
    waived += used;
    for (let n = used; n > 0; n--) usedWaivers.add(head.string());
  }
  // byRule lists rules in pack order, whatever order conversations were checked in.
  const ruleOrder = first.scoring.rules.map(([id]) => id);
  const inRuleOrder = (byRule: Record<string, number>) =>
    Object.fromEntries(Object.entries(byRule).sort(([a], [b]) => ruleOrder.indexOf(a) - ruleOrder.indexOf(b)));
  const agentSummaries: AgentSummary[] = [...agents.values()]
    .sort((a, b) => compareIds(a.agentId, b.agentId))
    .map(({ scores: agentScores, byRule, ...tally }) => ({ ...tally, byRule: inRuleOrder(byRule), ...agentScores.stats(policy.passMark) }));
  const fileOrder = new Map(first.files.map((file, i) => [file, i]));
  // Duplicates are listed after the read skips, in file then record order, however conversations were checked.
  duplicates.sort((a, b) => (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) || a.record - b.record);
  // Read skips in read order: by file as reading met them, then record; a file that could not be read
  // (record 0) after whatever it held. Sorting is stable, so one part's own order stands.
  const readOrder = new Map(first.readOrder.map((file, i) => [file, i]));
  const recordKey = (s: SkippedRecord) => (s.record === 0 && s.line === null && s.reason.startsWith('file not read: ') ? Number.POSITIVE_INFINITY : s.record);
  const readSkips = parts.flatMap((p) => p.readSkips);
  if (parts.length > 1) readSkips.sort((a, b) => (readOrder.get(a.file) ?? 0) - (readOrder.get(b.file) ?? 0) || recordKey(a) - recordKey(b));
  const skipped = [...readSkips, ...duplicates];
  // A list read from the store on each pass: its elements parsed, or (for the JSON writer) their bytes as printed.
  const fromEntries = <T>(list: EntryList): Iterable<T> =>
    printedList(
      function* () {
        // Each list is parsed before the next is read (its view is good until then).
        for (const printed of store.printedLists(list)) yield* parseElements<T>(printed);
      },
      () => store.printedPieces(list),
    );
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: first.tool,
    ruleset: first.ruleset,
    summary: {
      files: new Set(parts.flatMap((p) => p.files)).size,
      inputs: [...inputs.values()],
      conversations,
      messages,
      findings,
      skippedRecords: skipped.length,
      recordsRead: messages + skipped.length,
      bySeverity,
      waived,
      scoring: { base: policy.base, passMark: policy.passMark },
      ...scores.stats(policy.passMark),
    },
    agents: agentSummaries,
    // A list the head counted empty costs no pass over the entries.
    findings: findings === 0 ? [] : fromEntries<Finding>('findings'),
    skipped,
    // An entry's printed summary is one element of the list.
    conversations: conversations === 0 ? [] : fromEntries<ConversationSummary>('conversations'),
    waived: waived === 0 ? [] : fromEntries<Report['waived'][number]>('waived'),
    unusedWaivers: first.waivers.filter((w) => !usedWaivers.has(waiverKey(w))),
  };
}

/** Orders ids as people expect: "A9" before "A10", numbers by value. */
export function compareIds(a: string, b: string): number {
  // Staff numbers, the usual agent ids, in the collator's order without it: by value, so by length first.
  if (PLAIN_NUMBER.test(a) && PLAIN_NUMBER.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return (idOrder ??= new Intl.Collator('en', { numeric: true })).compare(a, b);
}
const PLAIN_NUMBER = /^(?:0|[1-9][0-9]*)$/;
// What a.localeCompare(b, 'en', { numeric: true }) does, with the collator made once, not per comparison, and
// only when needed: making it loads ICU's collation data, 14% of a one-transcript run's instructions.
let idOrder: Intl.Collator | undefined;
