import { jsonElements, type ConversationSummary } from '../model/report.js';
import { handPrintedText, hasKeys, isPlainObject, printByHandOr, printedText, SharedPrints, syntax, type JsonPrinter } from './json-printer.js';

/**
 * A conversation summary as jsonElements([summary]) prints it (an element of the JSON report's
 * `conversations`, four spaces in), by hand and straight into the printer's buffer: JSON.stringify with a
 * gap takes its slow path on the summary's per-rule and per-agent maps (null-prototype objects), and this
 * is about twice as fast and makes no string. Anything but the shape conversationEntry makes (other keys or
 * key order, a value of another type, a toJSON) is printed by jsonElements itself, so the text is always
 * exactly JSON.stringify's.
 */
export function printSummaryInto(printer: JsonPrinter, summary: ConversationSummary): void {
  printByHandOr(printer, summary, printByHand, stringified);
}

const stringified = (summary: ConversationSummary) => jsonElements([summary]);

/** printSummaryInto's text as a string. */
export function printSummary(summary: ConversationSummary): string {
  return printedText((printer) => printSummaryInto(printer, summary));
}

/** The summary printed by hand, or undefined when it is not of the shape conversationEntry makes. */
export function handPrinted(summary: ConversationSummary): string | undefined {
  return handPrintedText(summary, printByHand);
}

const SOURCE_KEYS = ['file'];
const SUMMARY_KEYS = ['conversationId', 'agents', 'startedAt', 'messages', 'findings', 'score', 'passed', 'critical', 'deductions', 'agentScores', 'source'];

// The JSON around the values, encoded once.
const MAP_END = syntax('\n      }');
const LIST_END = syntax('\n      ]');
const SUMMARY_CONVERSATION_ID = syntax('    {\n      "conversationId": ');
const AGENTS = syntax(',\n      "agents": ');
const STARTED_AT = syntax(',\n      "startedAt": ');
const MESSAGES = syntax(',\n      "messages": ');
const FINDINGS = syntax(',\n      "findings": ');
const SCORE = syntax(',\n      "score": ');
const DEDUCTIONS = syntax(',\n      "deductions": ');
const AGENT_SCORES = syntax(',\n      "agentScores": ');
const SOURCE_FILE = syntax(',\n      "source": {\n        "file": ');
const SUMMARY_END = syntax('\n      }\n    }');
const PASSED = syntax(',\n      "passed": true');
const NOT_PASSED = syntax(',\n      "passed": false');
const CRITICAL = syntax(',\n      "critical": true');
const NOT_CRITICAL = syntax(',\n      "critical": false');

/** The summary's end from its source's key: the conversations of one input share it. */
const sharedEnd = new SharedPrints((printer, file) => {
  printer.raw(SOURCE_FILE);
  printer.string(file);
  printer.raw(SUMMARY_END);
});

/** An object of numbers (its keys in JSON.stringify's order: Object.keys'), at the summary's depth; false for any other value. */
function numbers(printer: JsonPrinter, map: unknown): boolean {
  if (!isPlainObject(map)) return false;
  const keys = Object.keys(map);
  if (keys.length === 0) {
    printer.ascii('{}');
    return true;
  }
  printer.ascii('{');
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = (map as Record<string, unknown>)[key];
    if (typeof value !== 'number') return false;
    printer.ascii(i === 0 ? '\n        ' : ',\n        ');
    printer.string(key);
    printer.ascii(': ');
    printer.number(value);
  }
  printer.raw(MAP_END);
  return true;
}

/** An array of strings at the summary's depth; false for any other value. */
function strings(printer: JsonPrinter, list: unknown): boolean {
  if (!Array.isArray(list) || 'toJSON' in list) return false;
  if (list.length === 0) {
    printer.ascii('[]');
    return true;
  }
  printer.ascii('[');
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    if (typeof item !== 'string') return false;
    printer.ascii(i === 0 ? '\n        ' : ',\n        ');
    printer.string(item);
  }
  printer.raw(LIST_END);
  return true;
}

/** Prints the summary by hand; false (something printed, to be taken back) when it is not of the shape conversationEntry makes. */
function printByHand(printer: JsonPrinter, summary: ConversationSummary): boolean {
  if (!isPlainObject(summary) || !hasKeys(summary, SUMMARY_KEYS)) return false;
  const { conversationId, startedAt, messages, findings, score, passed, critical, source } = summary as Record<keyof ConversationSummary, unknown>;
  if (typeof conversationId !== 'string' || typeof startedAt !== 'string') return false;
  if (typeof messages !== 'number' || typeof findings !== 'number' || typeof score !== 'number') return false;
  if (typeof passed !== 'boolean' || typeof critical !== 'boolean') return false;
  if (!isPlainObject(source) || !hasKeys(source, SOURCE_KEYS)) return false;
  const { file } = source as { file: unknown };
  if (typeof file !== 'string') return false;
  printer.raw(SUMMARY_CONVERSATION_ID);
  printer.string(conversationId);
  printer.raw(AGENTS);
  if (!strings(printer, summary.agents)) return false;
  printer.raw(STARTED_AT);
  printer.string(startedAt);
  printer.raw(MESSAGES);
  printer.number(messages);
  printer.raw(FINDINGS);
  printer.number(findings);
  printer.raw(SCORE);
  printer.number(score);
  printer.raw(passed ? PASSED : NOT_PASSED);
  printer.raw(critical ? CRITICAL : NOT_CRITICAL);
  printer.raw(DEDUCTIONS);
  if (!numbers(printer, summary.deductions)) return false;
  printer.raw(AGENT_SCORES);
  if (!numbers(printer, summary.agentScores)) return false;
  sharedEnd.into(printer, file);
  return true;
}
