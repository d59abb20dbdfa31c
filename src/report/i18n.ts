import type { Language } from './formatter.js';

const en = {
  conversation: 'Conversation',
  agent: 'Agent',
  name: 'Name',
  conversations: 'Conversations',
  messages: 'Messages',
  findings: 'Findings',
  topRules: 'Most frequent',
  perAgent: 'Per agent',
  totals: 'Totals',
  files: 'files',
  conversationsLower: 'conversations',
  messagesLower: 'messages',
  findingsLower: 'findings',
  message: 'msg',
  line: 'line',
  record: 'record',
  score: 'score',
  average: 'Avg score',
  passRate: 'Pass rate',
  critical: 'Critical',
  passed: 'passed',
  failed: 'failed',
  criticalFail: 'failed by a bottom-line rule',
  scoreLine: 'Score: average {average} / {base}, {passRate}% passed (pass mark {passMark}), {critical} failed by a bottom-line rule',
  waived: 'waived',
  skipped: 'skipped records',
  recordsRead: 'records read',
  noFindings: 'No findings.',
  skippedTitle: 'Skipped records',
  more: 'more',
  seconds: 's',
  error: 'error',
  warning: 'warning',
  info: 'info',
  customer: 'customer',
  agentRole: 'agent',
  bot: 'bot',
  system: 'system',
  reply: 'reply',
  overLimit: 'over {limit} s',
  started: 'Started',
  agents: 'Agents',
  score100: 'Score',
  deductions: 'Deductions',
  noDeductions: 'no deductions',
  conversationsInFile: '{n} conversations, worst first',
  auditingWorst: 'Auditing the worst: {id} (choose another with --conversation <id>)',
  timeZone: 'times in {zone}',
  findingsCount: '{n} findings',
  bottomLine: 'bottom-line rule: the score is 0',
};
type Strings = typeof en;

const zh: Strings = {
  conversation: '会话',
  agent: '客服',
  name: '昵称',
  conversations: '会话数',
  messages: '消息数',
  findings: '问题数',
  topRules: '最常见',
  perAgent: '按客服统计',
  totals: '合计',
  files: '个文件',
  conversationsLower: '个会话',
  messagesLower: '条消息',
  findingsLower: '个问题',
  message: '消息',
  line: '行',
  record: '记录',
  score: '得分',
  average: '平均分',
  passRate: '合格率',
  critical: '底线违规',
  passed: '合格',
  failed: '不合格',
  criticalFail: '触犯服务底线',
  scoreLine: '得分: 平均 {average} / {base}，合格率 {passRate}%（合格线 {passMark}），触犯服务底线 {critical} 个会话',
  waived: '已豁免',
  skipped: '条记录被跳过',
  recordsRead: '条记录已读取',
  noFindings: '没有发现问题。',
  skippedTitle: '跳过的记录',
  more: '更多',
  seconds: '秒',
  error: '错误',
  warning: '警告',
  info: '提示',
  customer: '客户',
  agentRole: '客服',
  bot: '机器人',
  system: '系统',
  reply: '回复',
  overLimit: '超过 {limit} 秒',
  started: '开始时间',
  agents: '客服',
  score100: '得分',
  deductions: '扣分',
  noDeductions: '无扣分',
  conversationsInFile: '{n} 个会话，最差的在前',
  auditingWorst: '审阅最差的会话: {id}（用 --conversation <id> 选择其他会话）',
  timeZone: '时间为 {zone}',
  findingsCount: '{n} 个问题',
  bottomLine: '服务底线：得分为 0',
};

/** "1 file", "2 files": English counts drop the plural s for one; Chinese has no plural. */
export function counted(language: Language, n: number, word: string): string {
  if (language === 'zh-CN') return `${n} ${word}`;
  return `${n} ${n === 1 ? word.replace(/s$/, '') : word}`;
}

export function strings(language: Language): Strings {
  return language === 'zh-CN' ? zh : en;
}

/** The language for people: --lang, else the locale in LC_ALL / LC_MESSAGES / LANG. */
export function languageFromEnvironment(env: NodeJS.ProcessEnv): Language {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh/i.test(locale) ? 'zh-CN' : 'en';
}
