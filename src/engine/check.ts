import type { CompiledRule } from '../config/load.js';
import type { Conversation } from '../model/message.js';
import type { Finding } from '../model/report.js';
import type { RawFinding } from '../rules/common.js';
import { excerpt } from './excerpt.js';

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

function render(template: string, values: Record<string, string | number | null | undefined>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name];
    return value === undefined || value === null ? whole : String(value);
  });
}

function toFinding(compiled: CompiledRule, conversation: Conversation, raw: RawFinding): Finding {
  const message = conversation.messages[raw.messageIndex];
  if (!message) throw new Error(`rule ${compiled.rule.id} reported message ${raw.messageIndex} of ${conversation.messages.length}`);
  const agentId = raw.agentId !== undefined ? raw.agentId : message.agentId ?? null;
  const agentName =
    agentId === message.agentId ? message.agentName ?? null : conversation.messages.find((m) => m.agentId === agentId)?.agentName ?? null;
  const { rule, kind } = compiled;
  const values = {
    ruleId: rule.id,
    agentId,
    agentName: agentName ?? agentId,
    conversationId: conversation.id,
    match: raw.match,
    seconds: raw.seconds,
    ...raw.data,
  };
  return {
    ruleId: rule.id,
    kind: kind.kind,
    severity: rule.severity,
    agentId,
    agentName,
    conversationId: conversation.id,
    messageIndex: raw.messageIndex,
    timestamp: new Date(message.timestamp).toISOString(),
    message: render(rule.message ?? kind.defaultMessage, values),
    match: raw.match ?? null,
    offset: raw.offset ?? null,
    seconds: raw.seconds ?? null,
    excerpt: excerpt(message.text, raw.offset ?? null, raw.match?.length ?? 0),
    source: message.source,
  };
}

/** Whether a rule's `appliesTo` accepts a conversation's metadata (case-insensitive values). */
export function appliesTo(filter: Record<string, string | string[]> | undefined, meta: Record<string, string>): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, accepted]) => {
    const value = meta[key] ?? Object.entries(meta).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
    if (value === undefined) return false;
    const wanted = (Array.isArray(accepted) ? accepted : [accepted]).map((v) => v.toLowerCase());
    return wanted.includes(value.toLowerCase());
  });
}

/** Runs every enabled rule over one conversation; findings come in message order, then rule order. */
export function checkConversation(rules: readonly CompiledRule[], conversation: Conversation): Finding[] {
  const findings: Array<{ finding: Finding; ruleOrder: number }> = [];
  rules.forEach((compiled, ruleOrder) => {
    if (!compiled.rule.enabled || !appliesTo(compiled.rule.appliesTo, conversation.meta)) return;
    for (const raw of compiled.check(conversation)) findings.push({ finding: toFinding(compiled, conversation, raw), ruleOrder });
  });
  findings.sort(
    (a, b) =>
      a.finding.messageIndex - b.finding.messageIndex ||
      a.ruleOrder - b.ruleOrder ||
      (a.finding.offset ?? 0) - (b.finding.offset ?? 0),
  );
  return findings.map((f) => f.finding);
}
