import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A night made in `dir`, big enough (about 3,500 messages) that a budget of 1 MB evicts: conversations in time
 * order (interleaved, as real exports are), or shuffled, with duplicates, slow replies and rude phrases,
 * some conversations long-lived so that they reopen, plus unreadable lines.
 */
export function generatedNight(dir: string, name: string, order: 'time' | 'shuffled'): string {
  let seed = order === 'time' ? 7 : 8;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
  const lines: Array<{ at: number; line: string }> = [];
  const agentLines = ['好的，马上为您处理。', '我晕，系统又卡了', '请您稍等！！', '已为您登记。', '怎么这样。。。', 'OK, sorting that out for you now.'];
  for (let c = 0; c < 450; c++) {
    const id = `B${String(c).padStart(4, '0')}`;
    const agent = String(3000 + (c % 11));
    let t = Date.UTC(2026, 10, 27, 0, 0, 0) + c * 9_000;
    const count = 4 + (c % 9);
    for (let i = 0; i < count; i++) {
      const isAgent = i % 2 === 1;
      // Every 50th conversation comes back hours later: evicted by then, it reopens.
      t += c % 50 === 0 && i === count - 1 ? 5 * 3600_000 : (isAgent && random() < 0.2 ? 75 : 5 + Math.floor(random() * 40)) * 1000;
      const text = isAgent ? (i === 1 ? `您好，云客服${agent}为您服务` : agentLines[Math.floor(random() * agentLines.length)]) : '在吗？'.repeat(1 + Math.floor(random() * 20));
      const record = { conversation_id: id, timestamp: new Date(t).toISOString(), role: isAgent ? 'agent' : 'customer', ...(isAgent ? { agent_id: agent, agent_name: `A${agent}` } : {}), text };
      lines.push({ at: t, line: JSON.stringify(record) });
      if (random() < 0.02) lines.push({ at: t, line: JSON.stringify(record) });
    }
  }
  if (order === 'time') lines.sort((a, b) => a.at - b.at);
  else {
    for (let i = lines.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [lines[i], lines[j]] = [lines[j] as (typeof lines)[number], lines[i] as (typeof lines)[number]];
    }
  }
  const all = lines.map((l) => l.line);
  all.splice(100, 0, '{"conversation_id": "broken"', '', '[1, 2');
  all.splice(3000, 0, '{"id":"B9999","messages":[{"timestamp":"2026-11-27T03:00:00Z","role":"agent","agent_id":"3001","text":"我晕"},{"timestamp":"2026-11-27T03:00:09Z","role":"customer","text":"?"}]}');
  const path = join(dir, name);
  writeFileSync(path, `${all.join('\n')}\n`);
  return path;
}

