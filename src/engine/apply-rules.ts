import type { CompiledRule } from '../config/ruleset.js';
import type { Conversation } from '../model/message.js';
import type { Finding } from '../model/report.js';
import type { AnnouncedWait, CheckContext, RawFinding } from '../rules/kind.js';
import { renderTemplate } from '../text/template.js';
import { excerpt } from './excerpt.js';
import { own } from '../model/records.js';

const DAY_MS = 86_400_000;
// Findings of one night fall on a day or two: the date part of the last day written is kept, as its
// eleven character codes ("2026-11-27T").
let lastDay = Number.NaN;
const dayCodes = new Array<number>(11).fill(0);
const ZERO = 48;

/**
 * new Date(ms).toISOString(), without a Date per finding for whole milliseconds in 1970–9999, made as one
 * flat string from its character codes (a template of its parts made a string per part, and a copy when
 * the report printed it).
 */
export function isoTimestamp(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= 253_402_300_800_000) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== lastDay) {
    const text = new Date(day * DAY_MS).toISOString();
    for (let i = 0; i < 11; i++) dayCodes[i] = text.charCodeAt(i);
    lastDay = day;
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  const d = dayCodes;
  return String.fromCharCode(
    d[0] as number, d[1] as number, d[2] as number, d[3] as number, d[4] as number, d[5] as number, d[6] as number, d[7] as number, d[8] as number, d[9] as number, d[10] as number,
    ZERO + Math.floor(hours / 10), ZERO + (hours % 10), 0x3a,
    ZERO + Math.floor(minutes / 10), ZERO + (minutes % 10), 0x3a,
    ZERO + Math.floor(seconds / 10), ZERO + (seconds % 10), 0x2e,
    ZERO + Math.floor(millis / 100), ZERO + (Math.floor(millis / 10) % 10), ZERO + (millis % 10), 0x5a,
  );
}

/** What a rule's message template may name, for the finding being made: one object, filled anew for each. */
const templateValues: Record<string, string | number | null | undefined> & {
  ruleId: string;
  agentId: string | null;
  agentName: string | null;
  conversationId: string;
  match: string | undefined;
  seconds: number | undefined;
} = { ruleId: '', agentId: null, agentName: null, conversationId: '', match: undefined, seconds: undefined };

function toFinding(compiled: CompiledRule, conversation: Conversation, raw: RawFinding): Finding {
  const message = conversation.messages[raw.messageIndex];
  if (!message) throw new Error(`rule ${compiled.rule.id} reported message ${raw.messageIndex} of ${conversation.messages.length}`);
  const agentId = raw.agentId !== undefined ? raw.agentId : message.agentId ?? null;
  const agentName =
    agentId === message.agentId ? message.agentName ?? null : conversation.messages.find((m) => m.agentId === agentId)?.agentName ?? null;
  const { rule, kind } = compiled;
  const values = templateValues;
  values.ruleId = rule.id;
  values.agentId = agentId;
  values.agentName = agentName ?? agentId;
  values.conversationId = conversation.id;
  values.match = raw.match;
  values.seconds = raw.seconds;
  return {
    ruleId: rule.id,
    kind: kind.kind,
    severity: rule.severity,
    agentId,
    agentName,
    conversationId: conversation.id,
    messageIndex: raw.messageIndex,
    timestamp: isoTimestamp(message.timestamp),
    message: renderTemplate(raw.template ?? rule.message ?? kind.defaultMessage, values, raw.data),
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
    const value = own(meta, key) ?? Object.entries(meta).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
    if (value === undefined) return false;
    const wanted = (Array.isArray(accepted) ? accepted : [accepted]).map((v) => v.toLowerCase());
    return wanted.includes(value.toLowerCase());
  });
}

/** Whether a rule runs on a conversation: enabled, and its `appliesTo` accepts the conversation. */
function isActive(compiled: CompiledRule, conversation: Conversation): boolean {
  return compiled.rule.enabled && appliesTo(compiled.rule.appliesTo, conversation.meta);
}

/**
 * What rules need to know about a conversation before any of them runs: the waits announced under every
 * active wait-notice rule (response-time leaves those stretches to wait-notice).
 */
export function buildContext(rules: readonly CompiledRule[], conversation: Conversation): CheckContext {
  let announcedWaits: AnnouncedWait[] | undefined;
  for (const compiled of rules) {
    if (compiled.checker.announcedWaits && isActive(compiled, conversation)) {
      const waits = compiled.checker.announcedWaits(conversation);
      if (waits.length > 0) (announcedWaits ??= []).push(...waits);
    }
  }
  return announcedWaits ? { announcedWaits } : NO_CONTEXT;
}

/** The context of a conversation where no wait was announced (most), shared. */
const NO_CONTEXT: CheckContext = Object.freeze({ announcedWaits: Object.freeze([]) });

/** Runs every enabled rule over one conversation; findings come in message order, then rule order. */
export function checkConversation(rules: readonly CompiledRule[], conversation: Conversation): Finding[] {
  const findings: Finding[] = [];
  // The rule of each finding, by position (made with the first finding).
  let ruleOrders: number[] | undefined;
  let sorted = true;
  const context = buildContext(rules, conversation);
  for (let ruleOrder = 0; ruleOrder < rules.length; ruleOrder++) {
    const compiled = rules[ruleOrder] as CompiledRule;
    if (!isActive(compiled, conversation)) continue;
    const raws = compiled.checker(conversation, context);
    for (const raw of raws) {
      const finding = toFinding(compiled, conversation, raw);
      ruleOrders ??= [];
      const at = findings.length;
      // Already in order (the common case) unless a finding sorts before the one made just before it.
      if (sorted && at > 0 && compareFindings(findings[at - 1] as Finding, ruleOrders[at - 1] as number, finding, ruleOrder) > 0) sorted = false;
      findings.push(finding);
      ruleOrders.push(ruleOrder);
    }
  }
  if (sorted || !ruleOrders) return findings;
  const orders = ruleOrders;
  // A stable sort of positions: findings equal in message, rule and offset keep the order they were made in.
  const order: number[] = [];
  for (let i = 0; i < findings.length; i++) order.push(i);
  order.sort((a, b) => compareFindings(findings[a] as Finding, orders[a] as number, findings[b] as Finding, orders[b] as number));
  // Pushed, not order.map: map makes a holey array, and code made for the packed lists every other
  // conversation has is thrown away and compiled again when one comes.
  const inOrder: Finding[] = [];
  for (const i of order) inOrder.push(findings[i] as Finding);
  return inOrder;
}

/** Message, then rule, then offset; 0 for findings the sort keeps in the order they were made. */
function compareFindings(a: Finding, aRule: number, b: Finding, bRule: number): number {
  return a.messageIndex - b.messageIndex || aRule - bRule || (a.offset ?? 0) - (b.offset ?? 0);
}
