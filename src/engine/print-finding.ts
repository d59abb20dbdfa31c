import { jsonElements, type Finding } from '../model/report.js';
import { hasKeys, isPlainObject, printedText, type JsonPrinter } from './json-printer.js';

/**
 * Findings as jsonElements(findings) prints them (elements of the JSON report's `findings`, four spaces
 * in, one after another with ",\n"), each by hand straight into the printer's buffer, so no string is made
 * per finding. A finding of any shape but the one checking makes (other keys or key order, a value of
 * another type, a toJSON) is printed by jsonElements itself: the text is always exactly JSON.stringify's.
 */
export function printFindingsInto(printer: JsonPrinter, findings: readonly Finding[]): void {
  for (let i = 0; i < findings.length; i++) {
    if (i > 0) printer.ascii(',\n');
    const finding = findings[i] as Finding;
    const from = printer.at - printer.marked;
    if (printByHand(printer, finding)) continue;
    printer.at = printer.marked + from;
    printer.text(jsonElements([finding]));
  }
}

/** printFindingsInto's text as a string. */
export function printFindings(findings: readonly Finding[]): string {
  return printedText((printer) => printFindingsInto(printer, findings));
}

/** Whether a finding is printed by hand (it has the shape checking makes). */
export function printsByHand(finding: Finding): boolean {
  let printed = true;
  printedText((printer) => (printed = printByHand(printer, finding)));
  return printed;
}

const FINDING_KEYS = ['ruleId', 'kind', 'severity', 'agentId', 'agentName', 'conversationId', 'messageIndex', 'timestamp', 'message', 'match', 'offset', 'seconds', 'excerpt', 'source'];
const SOURCE_KEYS = ['file', 'line', 'record'];

const isNullableString = (value: unknown): value is string | null => value === null || typeof value === 'string';
const isNullableNumber = (value: unknown): value is number | null => value === null || typeof value === 'number';

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
  printer.ascii('    {\n      "ruleId": ');
  printer.string(ruleId);
  printer.ascii(',\n      "kind": ');
  printer.string(kind);
  printer.ascii(',\n      "severity": ');
  printer.string(severity);
  printer.ascii(',\n      "agentId": ');
  printer.nullableString(agentId);
  printer.ascii(',\n      "agentName": ');
  printer.nullableString(agentName);
  printer.ascii(',\n      "conversationId": ');
  printer.string(conversationId);
  printer.ascii(',\n      "messageIndex": ');
  printer.number(messageIndex);
  printer.ascii(',\n      "timestamp": ');
  printer.string(timestamp);
  printer.ascii(',\n      "message": ');
  printer.string(message);
  printer.ascii(',\n      "match": ');
  printer.nullableString(match);
  printer.ascii(',\n      "offset": ');
  printer.nullableNumber(offset);
  printer.ascii(',\n      "seconds": ');
  printer.nullableNumber(seconds);
  printer.ascii(',\n      "excerpt": ');
  printer.string(excerpt);
  printer.ascii(',\n      "source": {\n        "file": ');
  printer.string(file);
  printer.ascii(',\n        "line": ');
  printer.nullableNumber(line);
  printer.ascii(',\n        "record": ');
  printer.number(record);
  printer.ascii('\n      }\n    }');
  return true;
}
