import { printedElements, replayable, type Finding, type ReportSource } from '../../model/report.js';
import {
  isTimelineStream, type Formatter, type FormatterContext, type Language, type PageConversation, type PageTimeline, type TimelineFinding,
} from '../formatter.js';
import { localTime } from '../local-time.js';
import { columns, delayBinOf, delayBins, escapeHtml, horizontalBars, scoreBinOf, scoreBins, type Bar } from './html-charts.js';
import { scriptSafeJson, timelineMessages } from './html-json.js';
import { HTML_SCRIPT, HTML_STYLE } from './html-page.js';

export { scriptSafeJson };

const LABELS = {
  en: {
    title: 'chatlint report',
    conversations: 'Conversations', messages: 'Messages', findings: 'Findings', averageScore: 'Average score',
    passRate: 'Pass rate', skipped: 'Skipped records',
    findingsPerAgent: 'Findings per agent', findingsByRule: 'Findings by rule', scoreDistribution: 'Score distribution',
    replyDelays: 'Reply delays (seconds)', limit: 'limit {n} s', noData: 'Nothing to show.',
    agents: 'Agents', agent: 'Agent', name: 'Name', avg: 'Avg score', critical: 'Critical', filter: 'Filter agents', filterConversations: 'Filter conversations',
    conversation: 'Conversation', started: 'Started', messagesLower: 'messages', conversationsLower: 'conversations', findingsLower: 'findings', bottomLine: 'bottom-line rule: the score is 0', score: 'Score', back: '← Back', overview: 'Overview',
    page: 'Page {n} of {m}', previous: 'Previous', next: 'Next', of: '{n} shown of {m}',
    msg: 'msg', reply: 'reply', customer: 'customer', agentRole: 'agent', bot: 'bot', system: 'system',
    error: 'error', warning: 'warning', info: 'info', passed: 'passed', failed: 'failed', criticalFail: 'failed by a bottom-line rule',
    deductions: 'Deductions', partial: 'Only the messages with findings are included: this report keeps whole conversations for the worst ones only, to stay small.', notIncluded: '… messages not included: {n}', noTranscript: 'No findings: the transcript is not included (only conversations with findings are, to keep the file small).',
    timesIn: 'times in {zone}', ruleset: 'rules', generated: 'files', noScore: 'not scored', noJs: 'The tables and timelines need JavaScript; the summary and charts above are complete without it.',
  },
  'zh-CN': {
    title: 'chatlint 质检报告',
    conversations: '会话数', messages: '消息数', findings: '问题数', averageScore: '平均分',
    passRate: '合格率', skipped: '跳过的记录',
    findingsPerAgent: '各客服问题数', findingsByRule: '各规则问题数', scoreDistribution: '得分分布',
    replyDelays: '回复时长（秒）', limit: '时限 {n} 秒', noData: '无数据。',
    agents: '客服', agent: '客服', name: '昵称', avg: '平均分', critical: '底线违规', filter: '筛选客服', filterConversations: '筛选会话',
    conversation: '会话', started: '开始时间', messagesLower: '条消息', conversationsLower: '个会话', findingsLower: '个问题', bottomLine: '服务底线：得分为 0', score: '得分', back: '← 返回', overview: '概览',
    page: '第 {n} / {m} 页', previous: '上一页', next: '下一页', of: '显示 {n} / {m}',
    msg: '消息', reply: '回复', customer: '客户', agentRole: '客服', bot: '机器人', system: '系统',
    error: '错误', warning: '警告', info: '提示', passed: '合格', failed: '不合格', criticalFail: '触犯服务底线',
    deductions: '扣分', partial: '只包含有问题的消息：为控制文件大小，本报告只保留最差的会话的完整记录。', notIncluded: '… 未包含 {n} 条消息', noTranscript: '没有问题：报告未包含此会话的记录（只包含有问题的会话，以控制文件大小）。',
    timesIn: '时间为 {zone}', ruleset: '规则', generated: '文件', noScore: '未评分', noJs: '表格和会话时间线需要 JavaScript；上面的汇总和图表不需要。',
  },
} satisfies Record<Language, Record<string, string>>;
type Labels = (typeof LABELS)['en'];

const SEVERITIES = ['error', 'warning', 'info'] as const;

/** Strings that repeat across a night (rule messages, file names) stored once, referred to by index. */
class StringTable {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  of(value: string): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.index.set(value, i);
    }
    return i;
  }
}

const NO_DELAYS: readonly number[] = [];
const timelineFinding = (f: Finding): TimelineFinding => [f.messageIndex, f.ruleId, f.severity, f.offset, f.match, f.message];

/**
 * The page's conversations in report order, read afresh on each pass: from the run's timelines on disk
 * (a TimelineStream), else from the report's conversations, with the timelines held in memory if any.
 */
function pageConversations(source: ReportSource, context: FormatterContext): Iterable<PageConversation> {
  const set = context.transcripts;
  if (set && isTimelineStream(set)) return replayable(() => set.conversations()[Symbol.iterator]());
  const byConversation = set?.byConversation;
  const timezone = context.timezone;
  return replayable(function* () {
    for (const summary of source.conversations) {
      const transcript = byConversation?.get(summary.conversationId);
      const timeline = (): PageTimeline | null =>
        transcript ? { complete: transcript.complete, messages: timelineMessages(transcript.messages, timezone), findings: transcript.findings.map(timelineFinding) } : null;
      yield { summary, delays: NO_DELAYS, timeline };
    }
  });
}

/** `"ruleId": "` as the report prints each finding's first field (see jsonElements): a raw newline is never inside a string. */
const RULE_ID_FIELD = Buffer.from('{\n      "ruleId": "');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Findings per rule, rules in order of their first finding. From the findings as the run's store printed
 * them when it has them (rule ids read from the bytes: no finding is parsed), else from the findings.
 */
function findingsByRule(findings: Iterable<Finding>): Map<string, number> {
  const counts = new Map<string, number>();
  const printed = printedElements(findings);
  if (!printed) {
    for (const f of findings) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
    return counts;
  }
  for (const piece of printed) {
    const bytes = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.length);
    for (let at = bytes.indexOf(RULE_ID_FIELD); at !== -1; at = bytes.indexOf(RULE_ID_FIELD, at)) {
      const start = at + RULE_ID_FIELD.length;
      let end = start;
      let escaped = false;
      for (let b = bytes[end]; b !== QUOTE; b = bytes[++end]) {
        if (b === undefined) throw new Error('html: a finding printed without its rule id');
        if (b === BACKSLASH) {
          escaped = true;
          end++;
        }
      }
      const ruleId = escaped ? (JSON.parse(bytes.toString('utf8', start - 1, end + 1)) as string) : bytes.toString('utf8', start, end);
      counts.set(ruleId, (counts.get(ruleId) ?? 0) + 1);
      at = end;
    }
  }
  return counts;
}

/** What the summary above the tables counts, and the rules' indexes, from passes over the findings and the conversations. */
interface Tally {
  byRule: Map<string, number>;
  /** Rule ids in pack order, then any other rule a finding names, then any other a conversation deducted for. */
  ruleIndex: Map<string, number>;
  scores: Bar[];
  delays: { bars: Bar[]; limitAt: number | null };
}

function tally(source: ReportSource, context: FormatterContext, conversations: Iterable<PageConversation>, l: Labels): Tally {
  const byRule = findingsByRule(source.findings);
  const ruleIndex = new Map<string, number>();
  for (const id of context.ruleIds) ruleIndex.set(id, ruleIndex.size);
  for (const id of byRule.keys()) if (!ruleIndex.has(id)) ruleIndex.set(id, ruleIndex.size);
  const base = source.summary.scoring.base;
  const limit = context.replyLimitSeconds ?? null;
  const scores = scoreBins([], base);
  // Timelines in memory count every delay at once; streamed ones give each conversation's, or their totals.
  const set = context.transcripts;
  const inMemory = set && !isTimelineStream(set) ? set.replyDelays : NO_DELAYS;
  const delays = delayBins(inMemory, limit, l.reply === 'reply' ? 's' : '秒');
  const totals = set && isTimelineStream(set) ? set.totals?.() : undefined;
  // Totals do not say in which order rules were first deducted for: only good when every such rule has its index already.
  if (totals && [...totals.deducted].every((id) => ruleIndex.has(id))) {
    if (context.scored) for (const [score, n] of totals.scores) (scores[scoreBinOf(score, base)] as Bar).value += n;
    for (const [d, n] of totals.delays) (delays.bars[delayBinOf(d, limit)] as Bar).value += n;
    return { byRule, ruleIndex, scores, delays };
  }
  for (const { summary, delays: replies } of conversations) {
    for (const id of Object.keys(summary.deductions)) if (!ruleIndex.has(id)) ruleIndex.set(id, ruleIndex.size);
    if (context.scored) (scores[scoreBinOf(summary.score, base)] as Bar).value++;
    for (const d of replies) (delays.bars[delayBinOf(d, limit)] as Bar).value++;
  }
  return { byRule, ruleIndex, scores, delays };
}

function tile(label: string, value: string): string {
  return `<div class="tile"><div class="value">${escapeHtml(value)}</div><div class="label">${escapeHtml(label)}</div></div>`;
}

function figure(title: string, svg: string): string {
  return `<figure><figcaption>${escapeHtml(title)}</figcaption>${svg}</figure>`;
}

/** What the page shows before any script runs: tiles and charts. */
function staticSummary(report: ReportSource, context: FormatterContext, l: Labels, counted: Tally): string {
  const s = report.summary;
  const pct = (n: number | null) => (n === null ? '–' : `${Math.round(n * 100)}%`);
  const tiles = [
    tile(l.conversations, String(s.conversations)),
    tile(l.messages, String(s.messages)),
    tile(l.findings, String(s.findings)),
    tile(l.averageScore, context.scored && s.averageScore !== null ? s.averageScore.toFixed(1) : l.noScore),
    tile(l.passRate, context.scored ? pct(s.passRate) : l.noScore),
    tile(l.skipped, String(s.skippedRecords)),
  ];
  const perAgent = [...report.agents].filter((a) => a.findings > 0).sort((a, b) => b.findings - a.findings).slice(0, 15);
  const limit = context.replyLimitSeconds ?? null;
  const { delays } = counted;
  const charts = [
    figure(l.findingsPerAgent, horizontalBars(l.findingsPerAgent, perAgent.map((a) => ({ label: a.agentName ? `${a.agentId} ${a.agentName}` : a.agentId, value: a.findings })), l.noData)),
    figure(l.findingsByRule, horizontalBars(l.findingsByRule, [...counted.byRule].sort((a, b) => b[1] - a[1]).map(([label, value]) => ({ label, value })), l.noData)),
    figure(l.scoreDistribution, context.scored ? columns(l.scoreDistribution, counted.scores) : `<p class="empty">${escapeHtml(l.noScore)}</p>`),
    figure(
      l.replyDelays,
      columns(l.replyDelays, delays.bars, delays.limitAt !== null && limit !== null ? { atBar: delays.limitAt, label: l.limit.replace('{n}', String(limit)) } : undefined),
    ),
  ];
  return `<section class="tiles">${tiles.join('')}</section><section class="charts">${charts.join('')}</section>`;
}

/** Rows of the conversations table stringified together: one JSON.stringify per slice, not per row. */
const ROWS_PER_SLICE = 512;

/**
 * The data the page's script renders tables and timelines from (embedded as JSON, never as markup), without
 * its closing brace: the conversations table written a slice of rows at a time as they are read.
 */
function* pageData(report: ReportSource, context: FormatterContext, l: Labels, ruleIndex: Map<string, number>, conversations: Iterable<PageConversation>): Generator<string> {
  const rules = [...ruleIndex.keys()];
  const head = {
    labels: l,
    timezone: context.timezone,
    scored: context.scored,
    base: report.summary.scoring.base,
    replyLimit: context.replyLimitSeconds ?? null,
    rules,
    criticalRules: rules.filter((id) => context.criticalRuleIds?.includes(id)),
    agents: report.agents.map((a) => [a.agentId, a.agentName, a.conversations, a.messages, a.findings, a.averageScore, a.passRate, a.criticalCount]),
  };
  yield `${scriptSafeJson(head).slice(0, -1)},"conversations":[`;
  const files = new StringTable();
  let slice: unknown[] = [];
  let first = true;
  const flush = () => {
    const text = `${first ? '' : ','}${scriptSafeJson(slice).slice(1, -1)}`;
    first = false;
    slice = [];
    return text;
  };
  for (const { summary: c } of conversations) {
    // [id, local start, agents, messages, findings, score, passed, critical, [rule, points, …], file]
    slice.push([
      c.conversationId,
      c.startedAt ? localTime(c.startedAt, context.timezone) : '',
      c.agents,
      c.messages,
      c.findings,
      c.score,
      c.passed ? 1 : 0,
      c.critical ? 1 : 0,
      Object.entries(c.deductions).flatMap(([id, points]) => [ruleIndex.get(id) ?? -1, points]),
      files.of(c.source.file),
    ]);
    if (slice.length === ROWS_PER_SLICE) yield flush();
  }
  if (slice.length > 0) yield flush();
  yield `],"files":${scriptSafeJson(files.values)}`;
}

/**
 * One conversation's timeline, compact: complete (1) or only the messages with findings (0); messages as
 * [position, local time, role, agent id, agent name, text, reply seconds]; findings as [message position,
 * rule, severity, offset, match, rule message (index into the notes table)].
 */
function* compactTranscript(timeline: PageTimeline, ruleIndex: Map<string, number>, notes: StringTable): Generator<string | Uint8Array> {
  yield `{"c":${timeline.complete ? 1 : 0},"m":[`;
  yield timeline.messages;
  const findings = timeline.findings.map(([messageIndex, ruleId, severity, offset, match, message]) => [messageIndex, ruleIndex.get(ruleId) ?? -1, SEVERITIES.indexOf(severity), offset, match, notes.of(message)]);
  yield `],"f":${scriptSafeJson(findings)}}`;
}

/** For a manager: one self-contained HTML file (inline CSS, SVG and script; no network) with drill-down. */
export const html: Formatter = {
  name: 'html',
  needsTranscripts: true,
  *format(source: ReportSource, context: FormatterContext): Generator<string | Uint8Array> {
    // Passes over the report and the timelines, none holding a list: counts for the summary first, then the
    // conversations table, then the timelines, each conversation as it is read.
    const l = LABELS[context.language];
    const conversations = pageConversations(source, context);
    const counted = tally(source, context, conversations, l);
    const lang = context.language === 'zh-CN' ? 'zh-CN' : 'en';
    const subtitle = `${l.ruleset}: ${source.ruleset.name} · ${l.generated}: ${source.summary.files} · ${l.timesIn.replace('{zone}', context.timezone)} · ${source.tool.name} ${source.tool.version}`;
    yield '<!DOCTYPE html>\n';
    yield `<html lang="${lang}"><head><meta charset="utf-8">`;
    // Nothing may load from anywhere: the file is read from a mail attachment or a share, offline.
    yield `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`;
    yield `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(l.title)}</title><style>${HTML_STYLE}</style></head><body>`;
    yield `<header><h1>${escapeHtml(l.title)}</h1><p class="sub">${escapeHtml(subtitle)}</p></header><main>`;
    yield `<div id="overview">${staticSummary(source, context, l, counted)}<section id="agents"></section></div>`;
    yield `<section id="detail" hidden></section><noscript><p>${escapeHtml(l.noJs)}</p></noscript></main>`;
    yield `<script type="application/json" id="report-data">`;
    yield* pageData(source, context, l, counted.ruleIndex, conversations);
    // Timelines of conversations with findings, one piece each so a big night streams out.
    yield ',"transcripts":[';
    const notes = new StringTable();
    let first = true;
    for (const c of conversations) {
      const timeline = c.timeline();
      if (!first) yield ',';
      first = false;
      if (timeline) yield* compactTranscript(timeline, counted.ruleIndex, notes);
      else yield 'null';
    }
    yield `],"notes":${scriptSafeJson(notes.values)}}</script>`;
    yield `<script>${HTML_SCRIPT}</script></body></html>\n`;
  },
};
