/** Public API: the same pipeline the CLI runs, for scripts and other tools. */
import { reportDiffSchema as reportDiffSchemaBuilt } from './model/diff.js';
import { reportSchemas } from './model/report.js';

export { compileRuleText } from './config/compile.js';
export { loadRuleset } from './config/load.js';
export type { Ruleset, CompiledRule } from './config/ruleset.js';
export { ChatlintError, ConfigError, UsageError } from './errors.js';
export type { InputEvent } from './input/events.js';
export { readFiles, readInput } from './input/read.js';
export { parseTimestamp } from './input/time/timestamps.js';
export { runCheck, type RunResult } from './engine/run.js';
export { checkConversation } from './engine/apply-rules.js';
export { diffReports, findingIdentity } from './engine/diff.js';
export { loadReportFile } from './input/report-file.js';
export { findFormatter, FORMATTERS } from './report/formatters/all.js';
export { formatFromExtension, loadFormatter } from './report/formatters/index.js';
export { isBinary, type Formatter, type BinaryFormatter, type AnyFormatter } from './report/formatter.js';
export type { Message, Conversation, Role, SkippedRecord } from './model/message.js';
export { SCHEMA_VERSION, materialize, type Report, type ReportSource, type Finding } from './model/report.js';
export { RULE_KINDS } from './rules/registry.js';
export { DIFF_SCHEMA_VERSION, type ReportDiff } from './model/diff.js';

// The command line builds these schemas on first use; the library gives them as values, built as it loads.
export const { report: reportSchema, finding: findingSchema } = reportSchemas();
export const reportDiffSchema = reportDiffSchemaBuilt();
