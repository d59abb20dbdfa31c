import type { ReportSource } from '../../model/report.js';
import type { Formatter, FormatterContext } from '../formatter.js';
import { strings } from '../i18n.js';
import { agentsWorstFirst, findingsByRule, worstConversations } from '../ranking.js';

/** Rows past this in one table become "… N more": a ticket is read, not scrolled. */
const MAX_ROWS = 20;

/**
 * Text from the data (ids, names, file names) as literal Markdown: characters that would start emphasis,
 * code, links, HTML, entities or a new table cell are backslash-escaped, and line breaks become spaces.
 * (`#`, `-`, `+` and `1.` only act at a line's start, and data never starts a line here.)
 */
export function markdownText(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`);
}

function table(head: string[], rows: string[][], alignRight: boolean[]): string[] {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (alignRight[i] ? '---:' : '---'))), ...rows.map(line)];
}

function more(total: number, language: FormatterContext['language']): string[] {
  return total > MAX_ROWS ? ['', `… ${total - MAX_ROWS} ${strings(language).more}`] : [];
}

const score = (value: number | null) => (value === null ? '-' : value.toFixed(1));
const percent = (value: number | null) => (value === null ? '-' : `${Math.round(value * 100)}%`);

/** For pasting into a ticket or chat: summary, agents worst first, top rules, worst conversations. */
export const markdown: Formatter = {
  name: 'markdown',
  *format(source: ReportSource, context: FormatterContext): Generator<string> {
    // One pass over each big list: rule counts, and the worst conversations kept as they stream by.
    const report = source;
    const t = strings(context.language);
    const s = report.summary;
    const lines = [`# ${t.reportTitle}`, ''];
    const ruleFile = report.ruleset.file ? ` (${markdownText(report.ruleset.file)})` : '';
    lines.push(`${t.ruleFile}: ${markdownText(report.ruleset.name)}${ruleFile}, ${report.ruleset.hash}`, '');

    lines.push(`## ${t.summaryTitle}`, '');
    const summaryRows = [
      [t.filesHeading, String(s.files)],
      [t.conversations, String(s.conversations)],
      [t.messages, String(s.messages)],
      [t.findings, String(s.findings)],
      [t.severityCounts, `${s.bySeverity.error} ${t.error}, ${s.bySeverity.warning} ${t.warning}, ${s.bySeverity.info} ${t.info}`],
      [t.skippedRecords, String(s.skippedRecords)],
      ...(context.scored ? [[t.averageScore, `${score(s.averageScore)} / ${s.scoring.base}`], [t.passRate, percent(s.passRate)], [t.critical, String(s.criticalCount)]] : []),
    ];
    lines.push(...table(['', ''], summaryRows, [false, true]), '');

    if (report.agents.length > 0) {
      lines.push(`## ${t.perAgent}`, '');
      const scoreHeads = context.scored ? [t.average, t.passRate, t.critical] : [];
      const rows = agentsWorstFirst(report.agents, context.scored).slice(0, MAX_ROWS).map((a) => [
        markdownText(a.agentId), markdownText(a.agentName ?? ''), String(a.conversations), String(a.messages), String(a.findings),
        ...(context.scored ? [score(a.averageScore), percent(a.passRate), String(a.criticalCount)] : []),
      ]);
      const head = [t.agent, t.name, t.conversations, t.messages, t.findings, ...scoreHeads];
      lines.push(...table(head, rows, head.map((_, i) => i >= 2)), ...more(report.agents.length, context.language), '');
    }

    const byRule = findingsByRule(report.findings);
    if (byRule.length > 0) {
      lines.push(`## ${t.topRulesTitle}`, '');
      lines.push(...table([t.rule, t.findings], byRule.slice(0, MAX_ROWS).map(([id, n]) => [markdownText(id), String(n)]), [false, true]));
      lines.push(...more(byRule.length, context.language), '');
    }

    const { worst, total } = worstConversations(report.conversations, context.scored, MAX_ROWS);
    if (total > 0) {
      lines.push(`## ${t.worstConversations}`, '');
      const scoreHead = t.score100;
      const head = [t.conversation, ...(context.scored ? [scoreHead] : []), t.findings, t.agent, t.file];
      const rows = worst.map((c) => [
        markdownText(c.conversationId), ...(context.scored ? [String(c.score)] : []), String(c.findings),
        markdownText(c.agents.join(', ')), markdownText(c.source.file),
      ]);
      lines.push(...table(head, rows, head.map((h) => h === scoreHead || h === t.findings)), ...more(total, context.language), '');
    }
    if (s.findings === 0) lines.push(t.noFindings, '');
    yield `${lines.join('\n')}`;
  },
};
