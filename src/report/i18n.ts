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
  reportTitle: 'chatlint report',
  ruleFile: 'Rule file',
  summaryTitle: 'Summary',
  rule: 'Rule',
  topRulesTitle: 'Top rules',
  worstConversations: 'Worst conversations',
  averageScore: 'Average score',
  files_: 'Files',
  file: 'File',
  skippedRecords: 'Skipped records',
  severityCounts: 'By severity',
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
  reportTitle: 'chatlint 质检报告',
  ruleFile: '规则文件',
  summaryTitle: '概要',
  rule: '规则',
  topRulesTitle: '最常见的规则',
  worstConversations: '得分最低的会话',
  averageScore: '平均分',
  files_: '文件数',
  file: '文件',
  skippedRecords: '跳过的记录',
  severityCounts: '按严重程度',
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
