/** Public API: the same pipeline the CLI runs, for scripts and other tools. */
export { compileRuleText, loadRuleset, type Ruleset, type CompiledRule } from './config/load.js';
export { ConfigError } from './config/errors.js';
export { readFiles, readInput, type InputEvent } from './input/read.js';
export { parseTimestamp } from './input/timestamps.js';
export { runCheck, type RunResult } from './engine/run.js';
export { checkConversation } from './engine/check.js';
export { findFormatter, FORMATTERS } from './report/formatters/index.js';
export type { Message, Conversation, Role, SkippedRecord } from './model/message.js';
export { reportSchema, findingSchema, SCHEMA_VERSION, type Report, type Finding } from './model/report.js';
export { RULE_KINDS } from './rules/registry.js';
