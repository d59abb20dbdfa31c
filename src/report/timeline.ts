import { Chalk, type ChalkInstance } from 'chalk';
import type { ConversationSummary, Finding, Severity } from '../model/report.js';
import type { Transcript, TranscriptMessage } from '../model/transcript.js';
import type { Language } from './formatter.js';
import { strings } from './i18n.js';
import { localTime } from './local-time.js';
import { firstInOrder, worstFirst } from './ranking.js';
import { displayWidth, padEnd, padStart, terminalSafe, terminalSafeKeepingLines, wrapStyled, type StyledRun } from './terminal-text.js';

export interface TimelineContext {
  color: boolean;
  language: Language;
  /** IANA zone the times are shown in (the rule file's). */
  timezone: string;
  /** Terminal columns to wrap to. */
  width: number;
  /** Reply delays above this are red, above three quarters of it yellow; null when no rule limits them. */
  replyLimitSeconds: number | null;
  /** Whether rules deduct points (else no score is shown). */
  scored: boolean;
  scoring: { base: number; passMark: number };
  /** Bottom-line rules (one finding sets the score to 0; named at the end of the timeline). */
  criticalRules: ReadonlySet<string>;
}

type Strings = ReturnType<typeof strings>;

/** Where each finding's match sits in its message text, as [start, end) ranges, merged. */
function matchRanges(text: string, findings: readonly Finding[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const f of findings) {
    if (!f.match) continue;
    const at = f.offset !== null && text.slice(f.offset, f.offset + f.match.length) === f.match ? f.offset : text.indexOf(f.match);
    if (at >= 0) ranges.push([at, at + f.match.length]);
  }
  ranges.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** The message text cut into plain and matched runs, each made safe for a terminal (line breaks kept). */
function styledText(text: string, findings: readonly Finding[], color: boolean): StyledRun[] {
  const runs: StyledRun[] = [];
  let at = 0;
  const plain = (end: number) => {
    if (end > at) runs.push({ text: terminalSafeKeepingLines(text.slice(at, end)), mark: false });
  };
  for (const [start, end] of matchRanges(text, findings)) {
    plain(start);
    const matched = terminalSafeKeepingLines(text.slice(start, end));
    // Without colour the match is bracketed so it still shows (as in the pretty report).
    runs.push(color ? { text: matched, mark: true } : { text: `[${matched}]`, mark: false });
    at = end;
  }
  plain(text.length);
  return runs;
}

function paint(c: ChalkInstance, line: StyledRun[]): string {
  return line.map((run) => (run.paint ? run.paint(run.text) : run.mark ? c.bgRed.white.bold(run.text) : run.text)).join('');
}

/** A plain run with a colour (kept when the line wraps). */
const styled = (text: string, style?: (text: string) => string): StyledRun => (style ? { text, mark: false, paint: style } : { text, mark: false });

function severityColour(c: ChalkInstance, severity: Severity): ChalkInstance {
  return severity === 'error' ? c.red.bold : severity === 'warning' ? c.yellow : c.blue;
}

function roleLabel(t: Strings, message: TranscriptMessage): string {
  const role = message.role === 'agent' ? t.agentRole : t[message.role];
  if (message.role !== 'agent' && message.role !== 'bot') return role;
  const who = [message.agentId, message.agentName && message.agentName !== message.agentId ? message.agentName : null].filter(Boolean).join(' ');
  return who ? `${role} ${terminalSafe(who)}` : role;
}

/** "reply 7s", coloured against the limit; without colour a late reply says so in words. */
function replyLabel(c: ChalkInstance, t: Strings, seconds: number, limit: number | null, color: boolean): StyledRun {
  const text = `${t.reply} ${seconds}${t.seconds}`;
  if (limit === null) return styled(text, c.dim);
  if (seconds > limit) return color ? styled(text, c.red.bold) : styled(`${text} (${t.overLimit.replace('{limit}', String(limit))})`);
  return styled(text, seconds > limit * 0.75 ? c.yellow : c.green);
}

/** Text wrapped to the width left after an indent, every line indented. */
function indented(runs: StyledRun[], indent: number, width: number, c: ChalkInstance): string[] {
  return wrapStyled(runs, width - indent).map((line) => `${' '.repeat(indent)}${paint(c, line)}`.trimEnd());
}

/** One conversation as a timeline: every message with its time, role and reply delay, findings under it, score last. */
export function renderTimeline(transcript: Transcript, context: TimelineContext): string {
  const c = new Chalk({ level: context.color ? 1 : 0 });
  const t = strings(context.language);
  const { summary, messages } = transcript;
  const out: string[] = [];
  const byMessage = new Map<number, Finding[]>();
  for (const f of transcript.findings) byMessage.set(f.messageIndex, [...(byMessage.get(f.messageIndex) ?? []), f]);

  const scoreText = context.scored ? `  ${t.score} ${summary.score} / ${context.scoring.base}` : '';
  out.push(...indented([styled(`${t.conversation} ${terminalSafe(transcript.conversationId)}`, c.bold.underline), styled(scoreText, c.bold)], 0, context.width, c));
  const facts = [
    terminalSafe(summary.source.file),
    t.timeZone.replace('{zone}', context.timezone),
    `${summary.messages} ${t.messagesLower}`,
    t.findingsCount.replace('{n}', String(summary.findings)),
  ];
  out.push(...indented([styled(facts.join(' · '), c.dim)], 0, context.width, c));

  // Positions are 1-based for people; the gutter is as wide as the longest label.
  const label = (index: number) => `${t.message} ${index + 1}`;
  const gutter = Math.max(...messages.map((m) => displayWidth(label(m.index))), 0) + 2;
  let day = '';
  for (const message of messages) {
    const [date = '', time = ''] = localTime(message.timestamp, context.timezone).split(' ');
    if (date !== day) {
      out.push('', c.dim(`── ${date} ──`));
      day = date;
    }
    const findings = byMessage.get(message.index) ?? [];
    const who = roleLabel(t, message);
    const head = [styled(time, c.dim), styled('  '), styled(who, message.role === 'agent' ? c.cyan.bold : message.role === 'customer' ? c.magenta : c.dim)];
    if (message.replySeconds !== null) head.push(styled('  '), replyLabel(c, t, message.replySeconds, context.replyLimitSeconds, context.color));
    const [first = '', ...rest] = indented(head, gutter, context.width, c);
    out.push(c.dim(padEnd(label(message.index), gutter)) + first.slice(gutter), ...rest);
    out.push(...indented(styledText(message.text, findings, context.color), gutter, context.width, c));
    for (const f of findings) {
      const colour = severityColour(c, f.severity);
      const runs = [styled(t[f.severity], colour), styled(' '), styled(f.ruleId, c.cyan), styled(`: ${terminalSafe(f.message)}`)];
      indented(runs, gutter + 2, context.width, c).forEach((line, i) => {
        out.push(i === 0 ? `${' '.repeat(gutter)}${colour('▲')} ${line.slice(gutter + 2)}` : line);
      });
    }
  }

  out.push('');
  if (context.scored) {
    const verdict = summary.critical ? c.red.bold(t.criticalFail) : summary.passed ? c.green(t.passed) : c.red(t.failed);
    out.push(`${c.bold(`${t.score100} ${summary.score} / ${context.scoring.base}`)}  ${verdict}`);
    const deductions = Object.entries(summary.deductions).filter(([, points]) => points > 0);
    const bottomLine = [...new Set(transcript.findings.filter((f) => context.criticalRules.has(f.ruleId)).map((f) => f.ruleId))];
    for (const ruleId of bottomLine) out.push(`  ${c.red.bold('0')}  ${ruleId} (${t.bottomLine})`);
    if (deductions.length === 0 && bottomLine.length === 0) out.push(`  ${c.dim(t.noDeductions)}`);
    const width = Math.max(0, ...deductions.map(([, points]) => String(points).length)) + 1;
    for (const [ruleId, points] of deductions) out.push(`  ${c.red(padStart(`-${points}`, width))}  ${ruleId}`);
  } else {
    out.push(c.bold(t.findingsCount.replace('{n}', String(summary.findings))));
  }
  return `${out.join('\n')}\n`;
}

/** How many conversations the list shows. */
export const LISTED_CONVERSATIONS = 20;

/** The worst `limit` conversations (worst first, ties in the order given) and how many there are in all. */
export interface RankedConversations {
  first: ConversationSummary[];
  total: number;
}

/**
 * The conversations worst first, as a stable sort of them all would order them, in one pass holding no more
 * than `limit` (the list may be read from disk, conversation by conversation).
 */
export function rankConversations(conversations: Iterable<ConversationSummary>, scored: boolean, limit = LISTED_CONVERSATIONS): RankedConversations {
  return firstInOrder(conversations, worstFirst(scored), limit);
}

/** The conversations of a file, worst first, with score and finding count (the first of them, ranked by rankConversations). */
export function renderConversationList(ranked: RankedConversations, context: TimelineContext): string {
  const c = new Chalk({ level: context.color ? 1 : 0 });
  const t = strings(context.language);
  const heads = [t.conversation, t.started, t.agents, t.messages, t.findings, ...(context.scored ? [t.score100] : [])];
  const rows = ranked.first.map((conv) => [
    terminalSafe(conv.conversationId),
    conv.startedAt ? localTime(conv.startedAt, context.timezone) : '',
    terminalSafe(conv.agents.join(', ')),
    String(conv.messages),
    String(conv.findings),
    ...(context.scored ? [String(conv.score)] : []),
  ]);
  const right = heads.map((_, i) => i >= 3);
  const widths = heads.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const render = (r: string[]) => r.map((cell, i) => (right[i] ? padStart(cell, widths[i] ?? 0) : padEnd(cell, widths[i] ?? 0))).join('  ').trimEnd();
  const out = [c.bold(t.conversationsInFile.replace('{n}', String(ranked.total))), `  ${c.dim(render(heads))}`];
  for (const row of rows) out.push(`  ${render(row)}`);
  if (ranked.total > rows.length) out.push(`  … ${ranked.total - rows.length} ${t.more}`);
  return `${out.join('\n')}\n`;
}
