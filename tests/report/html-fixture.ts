import { join } from 'node:path';
import { tempDir } from '../helpers/cli.js';

/** Names and texts that would run script or break out of the page if anything were not escaped. */
export const HOSTILE = {
  conversation: '</script><img src=x onerror=alert(1)>',
  agentId: '__proto__',
  agentName: '<b onmouseover=alert(2)>constructor</b>',
  text: '<!-- 你们<script>alert(3)</script> &amp; 喂，说吧 ☕',
};

/** A small night: one ordinary conversation with a late reply, one whose every name and text is hostile. */
export function hostileExport(): string {
  const dir = tempDir({
    'night.jsonl': [
      { conversation_id: 'C-ok', timestamp: '2026-11-27T10:00:00+08:00', role: 'customer', text: '在吗' },
      { conversation_id: 'C-ok', timestamp: '2026-11-27T10:01:30+08:00', role: 'agent', agent_id: '1024', agent_name: '小美', text: '您好，云客服1024为您服务！！' },
      { conversation_id: HOSTILE.conversation, timestamp: '2026-11-27T11:00:00+08:00', role: 'customer', text: '你好' },
      { conversation_id: HOSTILE.conversation, timestamp: '2026-11-27T11:00:20+08:00', role: 'agent', agent_id: HOSTILE.agentId, agent_name: HOSTILE.agentName, text: HOSTILE.text },
    ].map((r) => JSON.stringify(r)).join('\n') + '\n',
  });
  return join(dir, 'night.jsonl');
}
