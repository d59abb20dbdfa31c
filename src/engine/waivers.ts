import type { Finding, Waiver } from '../model/report.js';

/**
 * Matches reviewed false positives to findings. A waiver names a conversation and a rule, and
 * optionally one message; it never applies to other rules, so a waiver cannot silence a whole run.
 */
export class WaiverBook {
  private readonly byKey = new Map<string, Waiver[]>();
  private readonly used = new Set<Waiver>();

  constructor(private readonly waivers: readonly Waiver[]) {
    for (const w of waivers) {
      const key = `${w.conversationId}\u0000${w.ruleId}`;
      const list = this.byKey.get(key);
      if (list) list.push(w);
      else this.byKey.set(key, [w]);
    }
  }

  /** Splits a conversation's findings into those that count and those a waiver covers. */
  apply(findings: Finding[]): { kept: Finding[]; waived: Array<Finding & { waiver: Waiver }> } {
    const kept: Finding[] = [];
    const waived: Array<Finding & { waiver: Waiver }> = [];
    // The list itself, not a copy: a copy of an empty list is an array of another kind (small integers), and
    // code made for one kind is thrown away and compiled again when the other comes.
    if (this.byKey.size === 0) return { kept: findings, waived };
    for (const finding of findings) {
      const candidates = this.byKey.get(`${finding.conversationId}\u0000${finding.ruleId}`);
      const waiver = candidates?.find((w) => w.messageIndex === null || w.messageIndex === finding.messageIndex);
      if (waiver) {
        this.used.add(waiver);
        waived.push({ ...finding, waiver });
      } else kept.push(finding);
    }
    return { kept, waived };
  }

  unused(): Waiver[] {
    return this.waivers.filter((w) => !this.used.has(w));
  }
}
