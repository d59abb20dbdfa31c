import { materialize, type Report, type ReportSource } from '../../model/report.js';
import type { Transcript } from '../../model/transcript.js';
import type { Formatter, FormatterContext, Language } from '../formatter.js';
import { localTime } from '../local-time.js';
import { columns, delayBins, escapeHtml, horizontalBars, scoreBins } from './html-charts.js';
import { HTML_SCRIPT, HTML_STYLE } from './html-page.js';

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
const ROLES = ['agent', 'customer', 'bot', 'system'] as const;

/**
 * JSON for a `<script type="application/json">`: `<`, `>` and `&` become \u escapes, so no string in the
 * data can close the script element (`</script`) or open a comment (`<!--`); JSON.parse reads them back.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

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

/**
 * One conversation's timeline, compact: complete (1) or only the messages with findings (0); messages as
 * [position, local time, role, agent id, agent name, text, reply seconds]; findings as [message position,
 * rule, severity, offset, match, rule message (index into the notes table)].
 */
function compactTranscript(transcript: Transcript, ruleIndex: Map<string, number>, notes: StringTable, timezone: string): unknown {
  return {
    c: transcript.complete ? 1 : 0,
    m: transcript.messages.map((m) => [m.index, localTime(m.timestamp, timezone), ROLES.indexOf(m.role), m.agentId, m.agentName, m.text, m.replySeconds]),
    f: transcript.findings.map((f) => [f.messageIndex, ruleIndex.get(f.ruleId) ?? -1, SEVERITIES.indexOf(f.severity), f.offset, f.match, notes.of(f.message)]),
  };
}

function tile(label: string, value: string): string {
  return `<div class="tile"><div class="value">${escapeHtml(value)}</div><div class="label">${escapeHtml(label)}</div></div>`;
}

function figure(title: string, svg: string): string {
  return `<figure><figcaption>${escapeHtml(title)}</figcaption>${svg}</figure>`;
}

/** What the page shows before any script runs: tiles and charts. */
function staticSummary(report: Report, context: FormatterContext, l: Labels): string {
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
  const byRule = new Map<string, number>();
  for (const f of report.findings) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
  const limit = context.replyLimitSeconds ?? null;
  const delays = delayBins(context.transcripts?.replyDelays ?? [], limit, l.reply === 'reply' ? 's' : '秒');
  const charts = [
    figure(l.findingsPerAgent, horizontalBars(l.findingsPerAgent, perAgent.map((a) => ({ label: a.agentName ? `${a.agentId} ${a.agentName}` : a.agentId, value: a.findings })), l.noData)),
    figure(l.findingsByRule, horizontalBars(l.findingsByRule, [...byRule].sort((a, b) => b[1] - a[1]).map(([label, value]) => ({ label, value })), l.noData)),
    figure(l.scoreDistribution, context.scored ? columns(l.scoreDistribution, scoreBins(report.conversations.map((c) => c.score), s.scoring.base)) : `<p class="empty">${escapeHtml(l.noScore)}</p>`),
    figure(
      l.replyDelays,
      columns(l.replyDelays, delays.bars, delays.limitAt !== null && limit !== null ? { atBar: delays.limitAt, label: l.limit.replace('{n}', String(limit)) } : undefined),
    ),
  ];
  return `<section class="tiles">${tiles.join('')}</section><section class="charts">${charts.join('')}</section>`;
}

/** The data the page's script renders tables and timelines from (embedded as JSON, never as markup). */
function pageData(report: Report, context: FormatterContext, l: Labels, ruleIndex: Map<string, number>) {
  const files = new StringTable();
  const rules = [...ruleIndex.keys()];
  return {
    labels: l,
    timezone: context.timezone,
    scored: context.scored,
    base: report.summary.scoring.base,
    replyLimit: context.replyLimitSeconds ?? null,
    rules,
    criticalRules: rules.filter((id) => context.criticalRuleIds?.includes(id)),
    agents: report.agents.map((a) => [a.agentId, a.agentName, a.conversations, a.messages, a.findings, a.averageScore, a.passRate, a.criticalCount]),
    // [id, local start, agents, messages, findings, score, passed, critical, [rule, points, …], file]
    conversations: report.conversations.map((c) => [
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
    ]),
    files: files.values,
  };
}

/** Rule ids in pack order, then any other rule a finding names. */
function ruleIndexOf(report: Report, context: FormatterContext): Map<string, number> {
  const index = new Map<string, number>();
  for (const id of context.ruleIds) index.set(id, index.size);
  for (const f of report.findings) if (!index.has(f.ruleId)) index.set(f.ruleId, index.size);
  for (const c of report.conversations) for (const id of Object.keys(c.deductions)) if (!index.has(id)) index.set(id, index.size);
  return index;
}

/** For a manager: one self-contained HTML file (inline CSS, SVG and script; no network) with drill-down. */
export const html: Formatter = {
  name: 'html',
  needsTranscripts: true,
  *format(source: ReportSource, context: FormatterContext): Generator<string> {
    // For people: the whole report at once (grouping, ranking, charts).
    const report = materialize(source);
    const l = LABELS[context.language];
    const lang = context.language === 'zh-CN' ? 'zh-CN' : 'en';
    const subtitle = `${l.ruleset}: ${report.ruleset.name} · ${l.generated}: ${report.summary.files} · ${l.timesIn.replace('{zone}', context.timezone)} · ${report.tool.name} ${report.tool.version}`;
    yield '<!DOCTYPE html>\n';
    yield `<html lang="${lang}"><head><meta charset="utf-8">`;
    // Nothing may load from anywhere: the file is read from a mail attachment or a share, offline.
    yield `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`;
    yield `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(l.title)}</title><style>${HTML_STYLE}</style></head><body>`;
    yield `<header><h1>${escapeHtml(l.title)}</h1><p class="sub">${escapeHtml(subtitle)}</p></header><main>`;
    yield `<div id="overview">${staticSummary(report, context, l)}<section id="agents"></section></div>`;
    yield `<section id="detail" hidden></section><noscript><p>${escapeHtml(l.noJs)}</p></noscript></main>`;
    yield `<script type="application/json" id="report-data">`;
    const ruleIndex = ruleIndexOf(report, context);
    yield scriptSafeJson(pageData(report, context, l, ruleIndex)).slice(0, -1);
    // Timelines of conversations with findings, one piece each so a big night streams out.
    yield ',"transcripts":[';
    const notes = new StringTable();
    let first = true;
    for (const c of report.conversations) {
      const transcript = context.transcripts?.byConversation.get(c.conversationId);
      yield `${first ? '' : ','}${transcript ? scriptSafeJson(compactTranscript(transcript, ruleIndex, notes, context.timezone)) : 'null'}`;
      first = false;
    }
    yield `],"notes":${scriptSafeJson(notes.values)}}</script>`;
    yield `<script>${HTML_SCRIPT}</script></body></html>\n`;
  },
};
