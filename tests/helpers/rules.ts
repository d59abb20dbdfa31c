/** Rules in tests: a rule file's problems, and one rule run over a hand-made conversation. */
import { compileRuleText } from '../../src/config/compile.js';
import { checkConversation } from '../../src/engine/apply-rules.js';
import { ConfigError } from '../../src/errors.js';
import type { Conversation, Message, Role } from '../../src/model/message.js';

/** The problems a rule file's text is refused with (file, line, key path, message), or [] when it loads. */
export function ruleFileProblems(text: string, label = 'team.yaml'): string[] {
  try {
    compileRuleText(text, label);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

/** A team's own rule file: every common kind's options beside the packs', a filter, a phrase with a regex. */
export const TEAM_RULES = `name: team
timezone: Asia/Shanghai
rules:
  - id: greet
    kind: greeting
    within: 2
    patterns: ['云客服\\s*{agentId}\\s*为您服务', 'hello']
  - id: fast
    kind: response-time
    maxSeconds: 45
    appliesTo: { channel: [web, app] }
  - id: words
    kind: forbidden-phrase
    severity: warning
    phrases: ["不知道", "没办法"]
  - id: bangs
    kind: forbidden-punctuation
    patterns: ['[!！]{2,}']
`;

/** A rule file compiled, down to what can be compared: the rule set with each rule and its kind's name. */
export function ruleSetEssence(text: string, label = 'team.yaml', origin = label) {
  const { rules, ...rest } = compileRuleText(text, label, origin);
  return { ...rest, rules: rules.map(({ rule, kind }) => ({ rule, kind: kind.kind })) };
}

const BASE = Date.UTC(2026, 10, 27, 2, 0, 0);

/** A message at `seconds` after a fixed start; `who` is "customer", "bot", "system" or an agent id. */
export function msg(seconds: number, who: string, text: string, extra: Partial<Message> = {}): Message {
  const role: Role = who === 'customer' || who === 'bot' || who === 'system' ? who : 'agent';
  return {
    conversationId: 'c1',
    timestamp: BASE + seconds * 1000,
    role,
    text,
    source: { file: 'test.jsonl', line: null, record: 0 },
    ...(role === 'agent' ? { agentId: who } : {}),
    ...extra,
  };
}

export function conversation(...messages: Message[]): Conversation {
  return {
    id: 'c1',
    messages: messages.map((m, i) => ({ ...m, source: { ...m.source, record: i + 1 } })),
    meta: {},
  };
}

/** Compiles one YAML rule (as it would appear under `rules:`) and runs it over a conversation. */
export function runRule(ruleYaml: string, conv: Conversation) {
  const indented = ruleYaml.trim().split('\n').map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)).join('\n');
  const ruleset = compileRuleText(`rules:\n${indented}\n`, 'test.yaml');
  return checkConversation(ruleset.rules, conv);
}
