import { Chalk, type ChalkInstance } from 'chalk';
import type { ConversationSummary, Finding, ReportSource, Severity } from '../../model/report.js';
import type { Formatter, FormatterContext } from '../formatter.js';
import { counted, strings } from '../i18n.js';
import { padEnd, terminalSafe } from '../terminal-text.js';
import { textTable } from '../text-table.js';
import { localTime } from '../local-time.js';
import { agentsWorstFirst } from '../ranking.js';

function severityLabel(c: ChalkInstance, severity: Severity, text: string): string {
  const padded = padEnd(text, 7);
  return severity === 'error' ? c.red.bold(padded) : severity === 'warning' ? c.yellow(padded) : c.blue(padded);
}

/** The excerpt with the matched text highlighted; without colour the match is bracketed so it still shows. */
function highlighted(c: ChalkInstance, color: boolean, finding: Finding): string {
  const text = terminalSafe(finding.excerpt);
  if (!finding.match) return c.dim(text);
  const match = terminalSafe(finding.match);
  const at = text.indexOf(match);
  if (at < 0) return c.dim(text);
  const marked = color ? c.bgRed.white.bold(match) : `[${match}]`;
  return c.dim(text.slice(0, at)) + marked + c.dim(text.slice(at + match.length));
}

/**
 * The findings of each conversation in turn: a report lists them conversation by conversation, in the
 * order of its conversations; a conversation seen again later (a list in another order) is a new group.
 */
function* byConversation(findings: Iterable<Finding>): Generator<Finding[]> {
  let group: Finding[] = [];
  for (const f of findings) {
    if (group.length > 0 && (group[0] as Finding).conversationId !== f.conversationId) {
      yield group;
      group = [];
    }
    group.push(f);
  }
  if (group.length > 0) yield group;
}

/**
 * Each conversation's summary, looked up in the order the findings come: the conversations list is read
 * alongside (the same report order), from the start again only when an id is not ahead.
 */
function summariesAlong(conversations: Iterable<ConversationSummary>): (conversationId: string) => ConversationSummary | undefined {
  let reader = conversations[Symbol.iterator]();
  return (conversationId) => {
    for (let restarted = false; ; ) {
      for (let next = reader.next(); !next.done; next = reader.next()) if (next.value.conversationId === conversationId) return next.value;
      if (restarted) return undefined;
      reader = conversations[Symbol.iterator]();
      restarted = true;
    }
  };
}

/** For a person at a terminal: findings grouped by conversation, then a per-agent table, then totals. */
export const pretty: Formatter = {
  name: 'pretty',
  *format(source: ReportSource, context: FormatterContext): Generator<string> {
    // Findings stream out a conversation at a time; nothing per finding or conversation is held.
    const report = source;
    const c = new Chalk({ level: context.color ? 1 : 0 });
    const t = strings(context.language);
    const lines: string[] = [];

    const summaryOf = summariesAlong(report.conversations);
    let listed = 0;
    for (const findings of byConversation(report.findings)) {
      const first = findings[0] as Finding;
      const conversationId = first.conversationId;
      listed += findings.length;
      const scored = context.scored ? summaryOf(conversationId) : undefined;
      const verdict = scored
        ? `  ${t.score} ${scored.score}${scored.critical ? ` ${c.red.bold(`(${t.criticalFail})`)}` : scored.passed ? '' : ` ${c.red(`(${t.failed})`)}`}`
        : '';
      lines.push(`${c.bold.underline(`${t.conversation} ${terminalSafe(conversationId)}`)}${verdict}  ${c.dim(terminalSafe(first.source.file))}`);
      for (const f of findings) {
        const who = f.agentId ? `${terminalSafe(f.agentId)}${f.agentName ? ` ${terminalSafe(f.agentName)}` : ''}` : '-';
        // People count messages from 1; JSON keeps the 0-based messageIndex.
        const where = `${t.message} ${f.messageIndex + 1}, ${f.source.line !== null ? `${t.line} ${f.source.line}` : `${t.record} ${f.source.record}`}`;
        lines.push(
          `  ${c.dim(localTime(f.timestamp, context.timezone))}  ${severityLabel(c, f.severity, t[f.severity])} ${c.cyan(f.ruleId)}  ${c.bold(who)}  ${c.dim(`[${where}]`)}`,
        );
        lines.push(`      ${terminalSafe(f.message)}`);
        lines.push(`      ${c.dim('│')} ${highlighted(c, context.color, f)}`);
        if (lines.length >= 3_000) {
          yield `${lines.join('\n')}\n`;
          lines.length = 0;
        }
      }
      lines.push('');
      // One conversation at a time, so a night with a million findings streams out.
      yield `${lines.join('\n')}\n`;
      lines.length = 0;
    }
    if (listed === 0) lines.push(c.green(t.noFindings), '');

    if (report.agents.length > 0) {
      lines.push(c.bold(t.perAgent));
      const sorted = agentsWorstFirst(report.agents, context.scored);
      const scoreHeads = context.scored ? [t.average, t.passRate, t.critical] : [];
      const rows = [[t.agent, t.name, t.conversations, t.messages, t.findings, ...scoreHeads, t.topRules]];
      for (const a of sorted) {
        const top = Object.entries(a.byRule).sort((x, y) => y[1] - x[1]).slice(0, 3).map(([id, n]) => `${id}×${n}`).join(', ');
        const scoreCells = context.scored
          ? [a.averageScore === null ? '-' : a.averageScore.toFixed(1), a.passRate === null ? '-' : `${Math.round(a.passRate * 100)}%`, String(a.criticalCount)]
          : [];
        rows.push([terminalSafe(a.agentId), terminalSafe(a.agentName ?? ''), String(a.conversations), String(a.messages), String(a.findings), ...scoreCells, top]);
      }
      const rendered = textTable(rows, [false, false, true, true, true, ...scoreHeads.map(() => true), false]);
      lines.push(`  ${c.dim(rendered[0] ?? '')}`, ...rendered.slice(1).map((r) => `  ${r}`), '');
    }

    const skipped: string[] = [];
    let skips = 0;
    for (const skip of report.skipped) {
      if (skips++ < 20) skipped.push(`  ${terminalSafe(skip.file)}${skip.line !== null ? `:${skip.line}` : skip.record ? `#${skip.record}` : ''}  ${terminalSafe(skip.reason)}`);
    }
    if (skips > 0) {
      lines.push(c.yellow.bold(t.skippedTitle), ...skipped);
      if (skips > 20) lines.push(`  … ${skips - 20} ${t.more}`);
      lines.push('');
    }

    const s = report.summary;
    const severities = (['error', 'warning', 'info'] as const).filter((k) => s.bySeverity[k] > 0).map((k) => `${s.bySeverity[k]} ${t[k]}`).join(', ');
    lines.push(
      `${c.bold(t.totals)}: ${[
        counted(context.language, s.files, t.files),
        counted(context.language, s.conversations, t.conversationsLower),
        counted(context.language, s.messages, t.messagesLower),
        c.bold(counted(context.language, s.findings, t.findingsLower)) + (severities ? ` (${severities})` : ''),
        counted(context.language, s.skippedRecords, t.skipped),
        ...(s.waived > 0 ? [`${s.waived} ${t.waived}`] : []),
      ].join(', ')}`,
    );
    if (context.scored && s.averageScore !== null) {
      lines.push(
        t.scoreLine
          .replace('{average}', c.bold(s.averageScore.toFixed(1)))
          .replace('{base}', String(s.scoring.base))
          .replace('{passRate}', String(Math.round((s.passRate ?? 0) * 100)))
          .replace('{passMark}', String(s.scoring.passMark))
          .replace('{critical}', String(s.criticalCount)),
      );
    }
    // Which rules judged this run, so a pasted report says what it was checked against.
    lines.push(c.dim(`${t.ruleFile}: ${terminalSafe(report.ruleset.name)}${report.ruleset.file ? ` (${terminalSafe(report.ruleset.file)})` : ''}`));
    yield `${lines.join('\n')}\n`;
  },
};
