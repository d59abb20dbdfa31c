import { jsonElements, type ConversationSummary } from '../model/report.js';

/**
 * A conversation summary as jsonElements([summary]) prints it (an element of the JSON report's
 * `conversations`, four spaces in), by hand: JSON.stringify with a gap takes its slow path on the
 * summary's per-rule and per-agent maps (null-prototype objects), and this is about twice as fast.
 * Anything but the shape conversationEntry makes (other keys or key order, a value of another type, a
 * toJSON) is printed by jsonElements itself, so the text is always exactly JSON.stringify's.
 */
export function printSummary(summary: ConversationSummary): string {
  return handPrinted(summary) ?? jsonElements([summary]);
}

const SUMMARY_KEYS = ['conversationId', 'agents', 'startedAt', 'messages', 'findings', 'score', 'passed', 'critical', 'deductions', 'agentScores', 'source'];

const quote = JSON.stringify;

/** Whether an object has exactly these enumerable keys (own or inherited), in this order, and no toJSON. */
function hasKeys(value: object, keys: readonly string[]): boolean {
  if ('toJSON' in value) return false;
  let at = 0;
  for (const key in value) if (key !== keys[at++]) return false;
  return at === keys.length;
}

const isPlainObject = (value: unknown): value is object => typeof value === 'object' && value !== null && !Array.isArray(value) && !('toJSON' in value);

/** A number as JSON prints it (non-finite ones as null). */
const printNumber = (n: number) => (Number.isFinite(n) ? String(n) : 'null');

/** An object of numbers (its keys in JSON.stringify's order: Object.keys'), at the summary's depth; undefined for any other value. */
function numbers(map: unknown): string | undefined {
  if (!isPlainObject(map)) return undefined;
  const keys = Object.keys(map);
  if (keys.length === 0) return '{}';
  let text = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = (map as Record<string, unknown>)[key];
    if (typeof value !== 'number') return undefined;
    text += `${i === 0 ? '\n' : ',\n'}        ${quote(key)}: ${printNumber(value)}`;
  }
  return `${text}\n      }`;
}

/** An array of strings at the summary's depth; undefined for any other value. */
function strings(list: unknown): string | undefined {
  if (!Array.isArray(list) || 'toJSON' in list) return undefined;
  if (list.length === 0) return '[]';
  let text = '[';
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    if (typeof item !== 'string') return undefined;
    text += `${i === 0 ? '\n' : ',\n'}        ${quote(item)}`;
  }
  return `${text}\n      ]`;
}

/** The summary printed by hand, or undefined when it is not of the shape conversationEntry makes. */
export function handPrinted(summary: ConversationSummary): string | undefined {
  if (!isPlainObject(summary) || !hasKeys(summary, SUMMARY_KEYS)) return undefined;
  const { conversationId, startedAt, messages, findings, score, passed, critical, source } = summary as Record<keyof ConversationSummary, unknown>;
  if (typeof conversationId !== 'string' || typeof startedAt !== 'string') return undefined;
  if (typeof messages !== 'number' || typeof findings !== 'number' || typeof score !== 'number') return undefined;
  if (typeof passed !== 'boolean' || typeof critical !== 'boolean') return undefined;
  if (!isPlainObject(source) || !hasKeys(source, ['file'])) return undefined;
  const { file } = source as { file: unknown };
  if (typeof file !== 'string') return undefined;
  const agents = strings(summary.agents);
  const deductions = numbers(summary.deductions);
  const agentScores = numbers(summary.agentScores);
  if (agents === undefined || deductions === undefined || agentScores === undefined) return undefined;
  return `    {
      "conversationId": ${quote(conversationId)},
      "agents": ${agents},
      "startedAt": ${quote(startedAt)},
      "messages": ${printNumber(messages)},
      "findings": ${printNumber(findings)},
      "score": ${printNumber(score)},
      "passed": ${passed},
      "critical": ${critical},
      "deductions": ${deductions},
      "agentScores": ${agentScores},
      "source": {
        "file": ${quote(file)}
      }
    }`;
}
