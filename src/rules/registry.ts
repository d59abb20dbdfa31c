import type { CommonRule, RuleKind } from './common.js';
import { forbiddenPhrase } from './kinds/forbidden-phrase.js';
import { forbiddenPunctuation } from './kinds/forbidden-punctuation.js';
import { greeting } from './kinds/greeting.js';
import { responseTime } from './kinds/response-time.js';

/** Every rule kind chatlint knows; adding a kind means adding a file under kinds/ and a line here. */
export const RULE_KINDS: ReadonlyArray<RuleKind<CommonRule>> = [
  greeting,
  responseTime,
  forbiddenPhrase,
  forbiddenPunctuation,
] as unknown as ReadonlyArray<RuleKind<CommonRule>>;

const byName = new Map(RULE_KINDS.map((k) => [k.kind, k]));

export function findKind(name: string): RuleKind<CommonRule> | undefined {
  return byName.get(name);
}
