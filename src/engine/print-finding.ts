import { jsonElements, type Finding } from '../model/report.js';
import { handPrintedText, hasKeys, isPlainObject, printByHandOr, printedText, SharedPrints, syntax, type JsonPrinter } from './json-printer.js';

/**
 * Findings as jsonElements(findings) prints them (elements of the JSON report's `findings`, four spaces
 * in, one after another with ",\n"), each by hand straight into the printer's buffer, so no string is made
 * per finding. A finding of any shape but the one checking makes (other keys or key order, a value of
 * another type, a toJSON) is printed by jsonElements itself: the text is always exactly JSON.stringify's.
 */
export function printFindingsInto(printer: JsonPrinter, findings: readonly Finding[]): void {
  last.agentSize = 0;
  for (let i = 0; i < findings.length; i++) {
    if (i > 0) printer.ascii(',\n');
    printByHandOr(printer, findings[i] as Finding, printByHand, stringified);
  }
}

/** printFindingsInto's text as a string. */
export function printFindings(findings: readonly Finding[]): string {
  return printedText((printer) => printFindingsInto(printer, findings));
}

/** Whether a finding is printed by hand (it has the shape checking makes). */
export function printsByHand(finding: Finding): boolean {
  last.agentSize = 0;
  return handPrintedText(finding, printByHand) !== undefined;
}

const stringified = (finding: Finding) => jsonElements([finding]);

const FINDING_KEYS = ['ruleId', 'kind', 'severity', 'agentId', 'agentName', 'conversationId', 'messageIndex', 'timestamp', 'message', 'match', 'offset', 'seconds', 'excerpt', 'source'];
const SOURCE_KEYS = ['file', 'line', 'record'];

const isNullableString = (value: unknown): value is string | null => value === null || typeof value === 'string';
const isNullableNumber = (value: unknown): value is number | null => value === null || typeof value === 'number';

// The JSON around the values, encoded once.
const FINDING_RULE_ID = syntax('    {\n      "ruleId": ');
const KIND = syntax(',\n      "kind": ');
const SEVERITY = syntax(',\n      "severity": ');
const AGENT_ID = syntax(',\n      "agentId": ');
const AGENT_NAME = syntax(',\n      "agentName": ');
const CONVERSATION_ID = syntax(',\n      "conversationId": ');
const MESSAGE_INDEX = syntax(',\n      "messageIndex": ');
const TIMESTAMP = syntax(',\n      "timestamp": ');
const MESSAGE = syntax(',\n      "message": ');
const MATCH = syntax(',\n      "match": ');
const OFFSET = syntax(',\n      "offset": ');
const SECONDS = syntax(',\n      "seconds": ');
const EXCERPT = syntax(',\n      "excerpt": ');
const SOURCE_FILE = syntax(',\n      "source": {\n        "file": ');
const SOURCE_LINE = syntax(',\n        "line": ');
const SOURCE_RECORD = syntax(',\n        "record": ');
const FINDING_END = syntax('\n      }\n    }');

/** The finding's start to its agent id's key: a rule's findings share their rule id, kind and severity. */
const sharedStart = new SharedPrints((printer, ruleId, kind, severity) => {
  printer.raw(FINDING_RULE_ID);
  printer.string(ruleId);
  printer.raw(KIND);
  printer.string(kind);
  printer.raw(SEVERITY);
  printer.string(severity);
  printer.raw(AGENT_ID);
});

/** The source's file with the keys around it: findings of one input share it. */
const sharedFile = new SharedPrints((printer, file) => {
  printer.raw(SOURCE_FILE);
  printer.string(file);
  printer.raw(SOURCE_LINE);
});

/**
 * The finding printed last in this list: its rule and agent fields, and where (relative to the mark, see
 * JsonPrinter.again) its start and its agent's part lie. The findings of one conversation share the
 * conversation id and mostly the agent and rule: those parts are copied, not printed again.
 */
const last = {
  ruleId: '',
  kind: '',
  severity: '',
  agentId: null as string | null,
  agentName: null as string | null,
  conversationId: '',
  /** Where the finding starts; where its agent id starts; bytes from there to the message index's value (0: none kept). */
  start: 0,
  agentFrom: 0,
  agentSize: 0,
};

/** Prints a finding by hand; false (something printed, to be taken back) when it is not of the shape checking makes. */
function printByHand(printer: JsonPrinter, finding: Finding): boolean {
  if (!isPlainObject(finding) || !hasKeys(finding, FINDING_KEYS)) return false;
  const { ruleId, kind, severity, agentId, agentName, conversationId, messageIndex, timestamp, message, match, offset, seconds, excerpt, source } = finding as Record<
    keyof Finding,
    unknown
  >;
  if (typeof ruleId !== 'string' || typeof kind !== 'string' || typeof severity !== 'string' || typeof conversationId !== 'string') return false;
  if (typeof timestamp !== 'string' || typeof message !== 'string' || typeof excerpt !== 'string' || typeof messageIndex !== 'number') return false;
  if (!isNullableString(agentId) || !isNullableString(agentName) || !isNullableString(match) || !isNullableNumber(offset) || !isNullableNumber(seconds)) return false;
  if (!isPlainObject(source) || !hasKeys(source, SOURCE_KEYS)) return false;
  const { file, line, record } = source as Record<keyof Finding['source'], unknown>;
  if (typeof file !== 'string' || !isNullableNumber(line) || typeof record !== 'number') return false;
  const start = printer.sinceMark;
  let agentFrom: number;
  if (last.agentSize > 0 && agentId === last.agentId && agentName === last.agentName && conversationId === last.conversationId) {
    if (ruleId === last.ruleId && kind === last.kind && severity === last.severity) {
      // The same rule's finding again: its whole start, to the message index, is the last one's.
      agentFrom = start + (last.agentFrom - last.start);
      printer.again(last.start, last.agentFrom - last.start + last.agentSize);
    } else {
      sharedStart.into(printer, ruleId, kind, severity);
      agentFrom = printer.sinceMark;
      printer.again(last.agentFrom, last.agentSize);
    }
  } else {
    sharedStart.into(printer, ruleId, kind, severity);
    agentFrom = printer.sinceMark;
    printer.nullableString(agentId);
    printer.raw(AGENT_NAME);
    printer.nullableString(agentName);
    printer.raw(CONVERSATION_ID);
    printer.string(conversationId);
    printer.raw(MESSAGE_INDEX);
  }
  last.ruleId = ruleId;
  last.kind = kind;
  last.severity = severity;
  last.agentId = agentId;
  last.agentName = agentName;
  last.conversationId = conversationId;
  last.start = start;
  last.agentFrom = agentFrom;
  last.agentSize = printer.sinceMark - agentFrom;
  printer.number(messageIndex);
  printer.raw(TIMESTAMP);
  printer.string(timestamp);
  printer.raw(MESSAGE);
  printer.string(message);
  printer.raw(MATCH);
  printer.nullableString(match);
  printer.raw(OFFSET);
  printer.nullableNumber(offset);
  printer.raw(SECONDS);
  printer.nullableNumber(seconds);
  printer.raw(EXCERPT);
  printer.string(excerpt);
  sharedFile.into(printer, file);
  printer.nullableNumber(line);
  printer.raw(SOURCE_RECORD);
  printer.number(record);
  printer.raw(FINDING_END);
  return true;
}
