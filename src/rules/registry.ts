import type { CommonRule, RuleKind } from './kind.js';
import { forbiddenPhrase } from './kinds/forbidden-phrase.js';
import { forbiddenPunctuation } from './kinds/forbidden-punctuation.js';
import { greeting } from './kinds/greeting.js';
import { repeatedMessage } from './kinds/repeated-message.js';
import { replyToTrigger } from './kinds/reply-to-trigger.js';
import { requiredPhrase } from './kinds/required-phrase.js';
import { responseTime } from './kinds/response-time.js';
import { silenceHandling } from './kinds/silence-handling.js';
import { waitNotice } from './kinds/wait-notice.js';

/** Every rule kind chatlint knows; adding a kind means adding a file under kinds/ and a line here. */
export const RULE_KINDS: ReadonlyArray<RuleKind<CommonRule>> = [
  greeting,
  responseTime,
  forbiddenPhrase,
  forbiddenPunctuation,
  requiredPhrase,
  waitNotice,
  replyToTrigger,
  repeatedMessage,
  silenceHandling,
] as unknown as ReadonlyArray<RuleKind<CommonRule>>;

const byName = new Map(RULE_KINDS.map((k) => [k.kind, k]));

export function findKind(name: string): RuleKind<CommonRule> | undefined {
  return byName.get(name);
}
