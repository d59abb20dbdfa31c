#!/usr/bin/env node
// Generates the sample exports under fixtures/ (except fixtures/hostile/ and fixtures/formats/,
// which are maintained by hand) together with fixtures/README.md and fixtures/EXPECTED.md.
//
//   node scripts/make-fixtures.mjs
//
// Plain Node ESM, no dependencies. Every random choice comes from a seeded PRNG (one stream per
// output file), so running it twice gives byte-identical files. The planted violations are declared
// next to the dialogue that contains them (`v: [...]` on a message) and EXPECTED.md is written from
// those declarations, so the expectations can never drift from the data.
//
// fixtures/broken/gbk-export.csv is GBK-encoded. Node has no GBK encoder, so the script pipes the
// UTF-8 text through the system `iconv -f UTF-8 -t GBK` (glibc iconv, present on Debian/Ubuntu).
// If iconv is missing, that one file is left as it is and a warning is printed.
//
// Semantics the expectations assume (they match rules/zh-CN.yaml, 13 rules, and rules/en.yaml, 10 rules;
// the kinds are described in docs/rules.md):
// - messages of a conversation are ordered by timestamp; "message index" is the 0-based position in
//   that order, counting every role (customer, agent, bot, system);
// - greeting: each agent's first message in the conversation must contain the greeting with their own ID;
//   zh-CN only: the first agent may skip it after a customer question (exemptIfCustomerAsked), but not
//   greet with another agent's ID; a transferred-in agent always greets;
// - response time: a customer message waits until the next agent message; delay > maxSeconds is a
//   violation (exactly maxSeconds is in time). Planted slow replies always follow a single waiting
//   customer message, and bot/system messages never matter for them, so the delay is the same whether
//   it is measured from the first or the last message of a customer burst, and whether a bot reply
//   counts as an answer or not. Customer messages inside a timed wait ("请您稍等2分钟") start no clock;
// - forbidden phrases / punctuation (incl. no-abuse, no-rhetorical-questions, honorific-nin,
//   no-filler-openings): agent messages only, one finding per match;
// - wait-with-time: a notice without a time, or a return later than promise + 10 s: one finding on the
//   notice (late: seconds = actual wait) — declared as ['wait-with-time', '2分钟', { late: true }];
// - thanks-reply: on the first agent message after the conversation's first customer thanks, when the
//   next two agent messages have no 不客气 / you're welcome;
// - closing-line: on the last agent message when the last two agent messages have no closing line;
// - no-copy-paste: on an agent's repeat in a row (own messages) or third occurrence (match = the text);
// - silence-prompt: on the close (再见 / goodbye …) after > 120 s from the agent's first message after the
//   customer's last one, without a prompt in between (seconds = that silence) — declared as
//   ['silence-prompt', undefined, { silence: true }].
// Every conversation without a declared violation must stay clean under all of these rules.

import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIX = join(ROOT, 'fixtures');

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function hashString(s) {
  let h = 2166136261;
  for (const ch of s) h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0;
  return h;
}
const SEED = 20261127;
function makeRng(stream) {
  const next = mulberry32(SEED ^ hashString(stream));
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (arr) => arr[Math.floor(next() * arr.length)];
  const digits = (n) => {
    let s = String(int(1, 9));
    while (s.length < n) s += String(int(0, 9));
    return s;
  };
  const shuffle = (arr) => {
    const a = arr.slice();
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  };
  return { next, int, pick, digits, shuffle };
}

// ---------------------------------------------------------------------------------------------
// Time helpers (all times are epoch seconds, UTC)

const pad = (n, w = 2) => String(n).padStart(w, '0');
function epoch(y, mo, d, h, mi, s, offsetHours) {
  return Date.UTC(y, mo - 1, d, h - offsetHours, mi, s) / 1000;
}
function localParts(sec, offsetHours) {
  const d = new Date((sec + offsetHours * 3600) * 1000);
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
  };
}
function isoOffset(sec, offsetHours = 8) {
  const p = localParts(sec, offsetHours);
  const sign = offsetHours >= 0 ? '+' : '-';
  return `${p.date}T${p.time}${sign}${pad(Math.abs(offsetHours))}:00`;
}
/** `YYYY-MM-DD HH:mm:ss` in Asia/Shanghai (UTC+8, no DST), without an offset. */
function shanghaiLocal(sec) {
  const p = localParts(sec, 8);
  return `${p.date} ${p.time}`;
}

// ---------------------------------------------------------------------------------------------
// Conversation building

const C = (text, o = {}) => ({ role: 'customer', text, ...o });
const A = (ag, text, o = {}) => ({ role: 'agent', ag, text, ...o });
const B = (text, o = {}) => ({ role: 'bot', text, ...o });
const S = (text, o = {}) => ({ role: 'system', text, ...o });

/** Gap in seconds before a message, from the role of the previous one. */
function defaultGap(rng, prev, cur) {
  if (!prev) return 0;
  if (cur.role === 'bot') return rng.int(1, 3);
  if (cur.role === 'system') return rng.int(1, 4);
  if (cur.role === 'customer') return prev.role === 'customer' ? rng.int(4, 12) : rng.int(8, 70);
  // agent
  if (prev.role === 'customer') return rng.int(8, 42);
  if (prev.role === 'agent') return rng.int(4, 20);
  return rng.int(5, 14); // after bot/system
}

/**
 * Turn a conversation spec into timed messages. Returns { messages, violations } where each
 * violation is { rule, agentId, index, seconds?, customerIndex?, match? }.
 */
function realise(rng, spec) {
  const messages = [];
  const violations = [];
  let t = spec.start;
  let prev = null;
  spec.steps.forEach((st, i) => {
    const gap = st.gap ?? defaultGap(rng, prev, st);
    if (prev && gap < 1) throw new Error(`${spec.key}: gap < 1 s at step ${i}`);
    t += gap;
    const team = st.ag ? st.ag.team : spec.team;
    messages.push({
      t,
      role: st.role,
      agentId: st.ag?.id,
      agentName: st.role === 'bot' ? spec.botName ?? '智能助手' : st.ag?.name,
      text: st.text,
      team,
      channel: spec.channel,
      note: st.note,
    });
    for (const v of st.v ?? []) {
      const [rule, extra, opts = {}] = v;
      const rec = { rule, agentId: st.ag?.id, index: i };
      if (opts.late) {
        // wait-with-time, promise not kept: the finding sits on the notice, its delay is the actual wait
        // (next agent message − notice), filled in below once every time is known; `extra` is the
        // promised time as written ("2分钟").
        rec.match = extra;
        rec.late = true;
        if (!st.text.includes(extra)) throw new Error(`${spec.key}: match ${extra} not in text`);
      } else if (opts.silence) {
        rec.silence = true; // delay filled in below
      } else if (rule === 'reply-within-60s') {
        rec.seconds = gap;
        rec.customerIndex = i - 1;
        if (spec.steps[i - 1].role !== 'customer') throw new Error(`${spec.key}: slow reply not after customer`);
        if (i >= 2 && spec.steps[i - 2].role === 'customer') throw new Error(`${spec.key}: slow reply after a burst`);
      } else if (rule === 'unanswered') {
        rec.agentId = extra;
      } else if (rule === 'no-copy-paste') {
        rec.match = st.text.trim(); // the whole repeated message
      } else if (extra !== undefined) {
        rec.match = extra;
        if (!st.text.includes(extra)) throw new Error(`${spec.key}: match ${extra} not in text`);
      }
      violations.push(rec);
    }
    prev = st;
  });
  for (const rec of violations) {
    if (rec.late) {
      const back = messages.findIndex((m, j) => j > rec.index && m.role === 'agent');
      if (back < 0) throw new Error(`${spec.key}: late wait without a return`);
      rec.seconds = messages[back].t - messages[rec.index].t;
      rec.returnIndex = back;
    } else if (rec.silence) {
      // silence-handling: from the agent's first message after the customer's last one, to the close
      let lastCustomer = -1;
      for (let j = 0; j < rec.index; j++) if (messages[j].role === 'customer') lastCustomer = j;
      const anchor = messages.findIndex((m, j) => j > lastCustomer && m.role === 'agent');
      rec.seconds = messages[rec.index].t - messages[anchor].t;
      rec.anchorIndex = anchor;
      if (rec.seconds <= 120) throw new Error(`${spec.key}: silence of ${rec.seconds} s is not > 120 s`);
    }
  }
  return { messages, violations };
}

/**
 * Lay out a night: assign start times (sorted → ids), realise every conversation, interleave all
 * messages by time. Returns { convs, lines } where lines is the file order of flat records.
 */
function buildNight(rng, specs, { idPrefix, startAt, windowSeconds, fixedStarts = {} }) {
  const starts = specs.map((s) => (s.key in fixedStarts ? fixedStarts[s.key] : startAt + rng.int(0, windowSeconds)));
  const order = specs.map((s, i) => i).sort((a, b) => starts[a] - starts[b] || a - b);
  const convs = order.map((i, n) => {
    const spec = { ...specs[i], start: starts[i] };
    const id = `${idPrefix}${pad(n + 1, 3)}`;
    const { messages, violations } = realise(rng, spec);
    return { id, spec, messages, violations };
  });
  const all = [];
  convs.forEach((c, ci) => c.messages.forEach((m, mi) => all.push({ conv: c, ci, mi, m })));
  all.sort((a, b) => a.m.t - b.m.t || a.ci - b.ci || a.mi - b.mi);
  return { convs, lines: all };
}

function assertUniqueTimes(convs) {
  for (const c of convs) {
    const seen = new Set();
    for (const m of c.messages) {
      if (seen.has(m.t)) throw new Error(`${c.id}: duplicate timestamp`);
      seen.add(m.t);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Output helpers

function write(rel, content) {
  const file = join(FIX, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  written.push(relative(ROOT, file));
}
const written = [];

function jsonlRecord(convId, m, offsetHours = 8) {
  const r = { conversation_id: convId, timestamp: isoOffset(m.t, offsetHours), role: m.role };
  if (m.agentId !== undefined) r.agent_id = m.agentId;
  if (m.agentName !== undefined) r.agent_name = m.agentName;
  r.text = m.text;
  if (m.team !== undefined) r.team = m.team;
  if (m.channel !== undefined) r.channel = m.channel;
  return r;
}
function nestedMessage(m, offsetHours = 8) {
  const r = { timestamp: isoOffset(m.t, offsetHours), role: m.role };
  if (m.agentId !== undefined) r.agent_id = m.agentId;
  if (m.agentName !== undefined) r.agent_name = m.agentName;
  r.text = m.text;
  return r;
}

function csvField(s) {
  if (s === undefined || s === null) return '';
  s = String(s);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
function csvRow(fields) {
  return fields.map(csvField).join(',');
}
const ZH_ROLE = { agent: '客服', customer: '客户', bot: '机器人', system: '系统' };
const ZH_HEADER = ['会话ID', '发送时间', '角色', '客服工号', '客服昵称', '消息内容'];

// ---------------------------------------------------------------------------------------------
// Agents and the Chinese dialogue

const ZH_AGENTS = {
  1024: { id: '1024', name: '小美', team: '售后', line: '售后' },
  1031: { id: '1031', name: '阿杰', team: '售后', line: '售后' },
  102: { id: '102', name: '老周', team: '售后', line: '售后' },
  2048: { id: '2048', name: '小雨', team: '话费', line: '话费' },
  2050: { id: '2050', name: '晓峰', team: '宽带', line: '宽带' },
  3007: { id: '3007', name: '安琪', team: '售前', line: '售前' },
};
const [a1024, a1031, a102, a2048, a2050, a3007] = ['1024', '1031', '102', '2048', '2050', '3007'].map((k) => ZH_AGENTS[k]);

const toFullWidthDigits = (s) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
/** The accepted greeting forms (rules/zh-CN.yaml `greeting-with-id`). */
function zhGreeting(ag, form) {
  const { id, line, name } = ag;
  switch (form) {
    case 0: return `您好，这里是${line}专线，云客服${id}为您服务。`;
    case 1: return `您好，云客服${id}为您服务，请问有什么可以帮您？`;
    case 2: return `您好!这里是${line}专线,云客服 ${id} 很高兴为您服务`;
    case 3: return `亲，您好，云客服${id}号为您服务～`;
    case 4: return `您好，这里是${line}专线，云客服${id}号很高兴为您服务，请问有什么可以帮您？`;
    case 'nickname': return `您好，这里是${line}专线，云客服${name}（${id}）为您服务。`;
    case 'fullwidth': return `您好，云客服${toFullWidthDigits(id)}为您服务。`;
    default: throw new Error(`greeting form ${form}`);
  }
}

/** Random business details for one conversation. */
function zhDetails(rng) {
  return {
    order: rng.digits(16),
    phone: `1${rng.pick(['38', '39', '58', '86', '37', '52'])}****${rng.digits(4)}`,
    amount: `${rng.int(39, 899)}.${rng.pick(['00', '50', '90', '80'])}`,
    city: rng.pick(['杭州', '武汉', '郑州', '成都', '广州', '南京', '西安']),
    courier: rng.pick(['中通', '圆通', '顺丰', '韵达', '申通']),
    date: `11月${rng.int(29, 30)}日`,
    addr: rng.pick([
      '杭州市西湖区文三路88号3幢501',
      '武汉市洪山区珞喻路1037号',
      '成都市高新区天府三街199号',
      '广州市天河区体育西路103号1208',
      '南京市鼓楼区中山北路200号',
    ]),
    broadband: `ad${rng.digits(9)}`,
    greet: rng.int(0, 4),
    product: rng.pick(['空气炸锅', '破壁机', '电动牙刷', '扫地机器人', '蓝牙耳机']),
  };
}

// Topic scripts: every one is clean (greeting first, every customer message answered in time,
// ends with an agent message, no forbidden words or punctuation in agent messages).
const ZH_TOPICS = {
  logistics: (ag, d) => [
    C('你好，我的快递怎么还没到？'),
    A(ag, zhGreeting(ag, d.greet)),
    A(ag, '请您提供一下订单号，我马上为您查询。'),
    C(d.order),
    A(ag, `感谢您的耐心等待，您的包裹目前在${d.city}转运中心，由${d.courier}快递配送，预计${d.date}送达。`),
    C('能快一点吗，我急用'),
    A(ag, '非常理解您的心情，我已经为您联系快递公司加急派送，请您留意快递员的电话。'),
    C('好的，谢谢'),
    A(ag, '不客气，请问还有什么可以帮您？'),
    C('没有了'),
    A(ag, '感谢您的咨询，祝您生活愉快，再见！'),
  ],
  refund: (ag, d) => [
    C('我申请的退款什么时候到账'),
    A(ag, zhGreeting(ag, d.greet)),
    A(ag, '麻烦您提供一下订单号，我为您查询退款进度。'),
    C(`订单号${d.order}`),
    A(ag, `您的退款${d.amount}元已经原路退回，银行处理一般需要1-3个工作日，请您留意到账短信。`),
    C('退到哪里了？我用的是信用卡'),
    A(ag, '是退回到您支付时使用的信用卡，到账后银行会有短信通知。'),
    C('好的明白了'),
    A(ag, '请问还有什么可以帮您？'),
    C('没有了谢谢'),
    A(ag, '不客气，祝您生活愉快，再见。'),
  ],
  returns: (ag, d) => [
    C('衣服尺码不合适，想退货'),
    A(ag, zhGreeting(ag, d.greet)),
    A(ag, '请问是哪一笔订单呢？麻烦您提供一下订单号。'),
    C(d.order),
    A(ag, '已为您查到，该商品支持7天无理由退货。您可以按以下步骤操作：\n1. 打开APP进入"我的订单"\n2. 选择该订单，点击"申请售后"\n3. 选择"退货退款"并提交'),
    C('运费谁出？'),
    A(ag, '您的订单有运费险，退货运费会在退款完成后自动理赔到您的账户。'),
    C('好的'),
    A(ag, '寄回时请您保持吊牌完好，并在包裹里附上写有订单号的纸条，方便仓库快速处理。'),
    C('知道了，谢谢'),
    A(ag, '不客气，请问还有其他可以帮您的吗？'),
    C('没了'),
    A(ag, '好的，感谢您的耐心，再见。'),
  ],
  address: (ag, d) => [
    C('在吗'),
    A(ag, zhGreeting(ag, d.greet)),
    C('我刚下的单地址填错了，能改吗'),
    A(ag, '请您提供一下订单号和新的收货地址，我为您确认是否可以修改。'),
    C(`订单${d.order}，新地址是${d.addr}`),
    A(ag, '请您稍等1分钟，我马上为您确认。'),
    A(ag, `已为您修改成功，新的收货地址为${d.addr}，请您核对一下。`, { gap: 48 }),
    C('对的，谢谢'),
    A(ag, '不客气，祝您购物愉快。'),
  ],
  invoice: (ag, d) => [
    C('你好，我需要开发票'),
    A(ag, zhGreeting(ag, d.greet)),
    A(ag, '请问您需要开具个人发票还是企业发票呢？'),
    C('企业的，抬头是杭州云帆科技有限公司'),
    A(ag, '好的，麻烦您提供一下税号和订单号。'),
    C(`税号91330106MA2${d.order.slice(0, 5)}X，订单${d.order}`),
    A(ag, '已为您提交开票申请，电子发票会在24小时内发送到您预留的邮箱，请您注意查收。'),
    C('好的'),
    A(ag, '请问还有什么可以帮您？'),
    C('没有了'),
    A(ag, '感谢您的咨询，再见。'),
  ],
  damaged: (ag, d) => [
    C('收到的碗碎了一个'),
    A(ag, zhGreeting(ag, d.greet)),
    A(ag, '非常抱歉给您带来不好的体验，麻烦您提供一下订单号，并拍一张商品和外包装的照片。'),
    C(d.order),
    C('[图片]'),
    A(ag, '收到，已经看到了。我们可以为您补发一个新的，或者按单价退款，您看哪种方式更方便？'),
    C('退款吧'),
    A(ag, `好的，已为您申请退款${d.amount}元，破损的商品不需要寄回，请您放心。`),
    C('好的'),
    A(ag, '请问还有什么可以帮您？'),
    C('没有了'),
    A(ag, '再次向您致歉，祝您生活愉快，再见。'),
  ],
  stock: (ag, d) => [
    C(`请问这款${d.product}有现货吗？`),
    A(ag, zhGreeting(ag, d.greet)),
    A(ag, `这款${d.product}目前有现货，今天下午4点前下单当天发货。`),
    C('保修多久？'),
    A(ag, '全国联保一年，签收后7天内如有质量问题可以直接换新。'),
    C('可以开发票吗'),
    A(ag, '可以的，下单时在"发票信息"里填写抬头即可，电子发票会随订单发送。'),
    C('好的，那我下单了'),
    A(ag, '感谢您的支持，请问还有什么可以帮您？'),
    C('没有了'),
    A(ag, '好的，祝您购物愉快，再见。'),
  ],
  coupon: (ag, d) => [
    C('这个优惠券为什么用不了'),
    A(ag, zhGreeting(ag, d.greet)),
    A(ag, '请问您是在结算页面使用时提示不可用吗？'),
    C('对，显示不满足使用条件'),
    A(ag, '这张优惠券需要单笔订单满299元才可以使用，您当前的商品金额是259元，还差40元。'),
    C('哦哦，那我再加一件'),
    A(ag, '好的，凑单后优惠券会自动抵扣，有任何问题请随时联系我们。'),
    C('谢谢'),
    A(ag, '不客气，祝您购物愉快。'),
  ],
  size: (ag, d) => [
    C('这件羽绒服我165，110斤穿什么码'),
    A(ag, zhGreeting(ag, d.greet)),
    A(ag, '根据您的身高体重，建议您选择M码，如果喜欢宽松一点可以选L码。'),
    C('里面穿毛衣呢'),
    A(ag, '里面穿毛衣的话建议您选L码，袖长和衣长都会更合适。'),
    C('好的，什么时候发货'),
    A(ag, '今天下单明天发货，一般2到3天可以送达。'),
    C('好'),
    A(ag, '请问还有什么可以帮您？'),
    C('没了'),
    A(ag, '好的，祝您购物愉快，再见。'),
  ],
  bill: (ag, d) => [
    C('我这个月话费怎么多扣了30块'),
    A(ag, zhGreeting(ag, d.greet)),
    A(ag, '请您提供一下手机号码，我为您查询账单明细。'),
    C(d.phone),
    A(ag, '请您稍等2分钟，我马上为您查询。'),
    A(ag, `感谢您的耐心等待。经查询，本月多出的30元是流量超出套餐的费用，发生在11月20日。`, { gap: 96 }),
    C('我没用那么多流量啊'),
    A(ag, '理解您的疑问，我已经把流量使用详单发送到您的手机，请您核对一下使用时段。'),
    C('好吧我看看'),
    A(ag, '另外建议您办理一个流量加油包，可以避免超出套餐。请问需要为您介绍一下吗？'),
    C('不用了'),
    A(ag, '好的，请问还有什么可以帮您？'),
    C('没有了'),
    A(ag, '感谢您的耐心，再见。'),
  ],
  plan: (ag, d) => [
    C('我想换个便宜点的套餐'),
    A(ag, zhGreeting(ag, d.greet)),
    A(ag, '请问您平时每月大概使用多少流量和通话分钟数呢？'),
    C('流量10G左右，电话很少打'),
    A(ag, '为您推荐畅享29元套餐，包含15G通用流量和100分钟通话，比您现在的套餐每月节省30元。'),
    C('什么时候生效'),
    A(ag, '办理后下个月1号生效，本月仍按原套餐计费。'),
    C('那就办这个吧'),
    A(ag, '好的，已为您提交变更，稍后会有短信确认，请您注意查收。'),
    C('收到了'),
    A(ag, '请问还有什么可以帮您？'),
    C('没有了'),
    A(ag, '感谢您的咨询，祝您生活愉快，再见。'),
  ],
  topup: (ag, d) => [
    C('充了100话费怎么还没到账'),
    A(ag, zhGreeting(ag, d.greet)),
    A(ag, '请您提供一下充值的手机号码和充值时间。'),
    C(`${d.phone}，大概半小时前`),
    A(ag, '已为您查到，这笔充值正在处理中，晚高峰期间可能会延迟，一般2小时内会到账。'),
    C('要是一直不到呢'),
    A(ag, '如果超过24小时仍未到账，款项会自动退回到您的支付账户，请您放心。'),
    C('好'),
    A(ag, '请问还有什么可以帮您？'),
    C('没有'),
    A(ag, '感谢您的来访，再见。'),
  ],
  outage: (ag, d) => [
    C('家里宽带断网了'),
    A(ag, zhGreeting(ag, d.greet)),
    A(ag, '请您提供一下宽带账号或者安装地址。'),
    C(d.addr),
    A(ag, '经查询，您所在的小区今晚有线路维护，预计23点前恢复，给您带来不便非常抱歉。'),
    C('那这几个小时的费用呢'),
    A(ag, '维护导致的断网时间会按天为您减免费用，减免金额会体现在下个月的账单中。'),
    C('好吧'),
    A(ag, '恢复后如果仍然无法上网，请您重启一下光猫，或者再联系我们。'),
    C('知道了'),
    A(ag, '请问还有什么可以帮您？'),
    C('没了'),
    A(ag, '感谢您的理解，再见。'),
  ],
  install: (ag, d) => [
    C('想新装宽带，怎么收费'),
    A(ag, zhGreeting(ag, d.greet)),
    A(ag, '请问您的安装地址是哪里？我先为您查询一下是否已经覆盖。'),
    C(d.addr),
    A(ag, '您的地址已经覆盖光纤，300M宽带包年960元，1000M宽带包年1320元，都包含光猫和安装费。'),
    C('300M够用吗，家里三个人'),
    A(ag, '三口之家日常看视频、上网课，300M是完全够用的。'),
    C('那就300M吧，什么时候能装'),
    A(ag, '已为您登记预约，装维师傅会在24小时内电话联系您确认上门时间。'),
    C('好的'),
    A(ag, '请问还有什么可以帮您？'),
    C('没有了'),
    A(ag, '感谢您的信任，再见。'),
  ],
};

/** The night of 2026-11-27: planted cases first, then clean topic conversations. */
function zhNight1127Specs(rng) {
  const d = () => zhDetails(rng);
  const specs = [];
  const add = (key, team, channel, note, steps, extra = {}) => specs.push({ key, team, channel, note, steps, ...extra });

  // -- greeting violations ----------------------------------------------------------------------
  {
    const x = d();
    // The customer asked a question (怎么) before the agent's first message: zh-CN's greeting rule
    // (exemptIfCustomerAsked) lets the first agent answer directly. Clean.
    add('missing-greeting', '售后', 'app', 'agent 1031 answers without any greeting after a question (exempt, clean)', [
      C('我的快递三天都没动了，怎么回事'),
      A(a1031, '请您提供一下订单号。', { note: 'exempt-first' }),
      C(x.order),
      A(a1031, `经查询，您的包裹在${x.city}转运中心滞留，我已经为您催促快递公司尽快派送。`),
      C('大概什么时候能到'),
      A(a1031, `预计${x.date}前送达，如果届时还没有收到，请您再联系我们，我们会为您补发或退款。`),
      C('好吧'),
      A(a1031, '给您带来不便非常抱歉，请问还有什么可以帮您？'),
      C('没了'),
      A(a1031, '感谢您的耐心，再见。'),
    ]);
  }
  {
    const x = d();
    add('wrong-id', '售后', 'web', 'agent 1024 greets as 云客服102 (token trap) and later says 怎么这样', [
      C('在吗'),
      A(a1024, '您好，这里是售后专线，云客服102为您服务。', { v: [['greeting-with-id']] }),
      C('我买的杯子收到是碎的，赠品也不对'),
      A(a1024, '非常抱歉给您带来不好的体验，麻烦您提供一下订单号，并拍一下商品和外包装的照片。'),
      C(x.order),
      C('[图片]'),
      A(a1024, '怎么这样，仓库又发错赠品了，我马上为您补发。', { v: [['no-rude-phrases', '怎么这样']] }),
      A(a1024, '破损的杯子也为您登记补发，新的商品会在48小时内发出，破损的商品不需要寄回。'),
      C('好的谢谢'),
      A(a1024, '不客气，祝您生活愉快。'),
    ]);
  }
  {
    const x = d();
    add('copied-greeting', '售后', 'app', "agent 102 pastes 1024's greeting (云客服1024)", [
      C('退货地址是哪里'),
      A(a102, '您好，这里是售后专线，云客服1024为您服务。', { v: [['greeting-with-id']] }),
      A(a102, '请问是哪一笔订单需要退货呢？'),
      C(x.order),
      A(a102, `该订单的退货地址是：${x.addr}，收件人：售后仓，电话：0571-88886666。`),
      C('需要填单子吗'),
      A(a102, '请在包裹里放一张写有订单号和您手机号后四位的纸条就可以了。'),
      C('ok'),
      A(a102, '寄出后请在订单里填写快递单号，仓库签收后48小时内为您退款。'),
      C('好的'),
      A(a102, '请问还有什么可以帮您？'),
      C('没有了'),
      A(a102, '感谢您的咨询，再见。'),
    ]);
  }
  {
    const x = d();
    add('no-serving-phrase', '宽带', 'web', 'agent 2050 greets without a serving phrase, later says 天啊', [
      C('宽带网速特别慢，还多扣了钱'),
      A(a2050, '您好，我是云客服2050。', { v: [['greeting-with-id']] }),
      A(a2050, '请您提供一下宽带账号。'),
      C(x.broadband),
      A(a2050, '天啊，您这个月的宽带费确实重复扣了一次，我马上为您申请退费。', { v: [['no-rude-phrases', '天啊']] }),
      C('网速呢'),
      A(a2050, '您的宽带签约速率是300M，请问您是用Wi-Fi还是网线测的速度呢？'),
      C('wifi'),
      A(a2050, 'Wi-Fi测速会受距离和墙体影响，建议您用网线直连电脑再测一次。'),
      C('网线测了也只有50M'),
      A(a2050, '好的，我为您提交一张网速报障工单，维修师傅会在24小时内联系您上门检测。'),
      C('行'),
      A(a2050, '请问还有什么可以帮您？'),
      C('没了'),
      A(a2050, '感谢您的耐心，再见。'),
    ]);
  }
  {
    // "在吗" is only a hail, not a question: no exemption.
    add('late-greeting', '售前', 'app', 'agent 3007 greets only in the second message, later sends ？？', [
      C('在吗'),
      A(a3007, '亲，在的', { v: [['greeting-with-id']] }),
      A(a3007, zhGreeting(a3007, 0)),
      C('这款空气炸锅还有货吗'),
      A(a3007, '这款空气炸锅目前有现货，今天下单明天发货。'),
      C('能用来烤蛋糕吗'),
      A(a3007, '您没看商品详情页吗？？上面有烤蛋糕的食谱。', { v: [['no-rhetorical-questions', '您没看商品详情页吗'], ['no-emotional-punctuation', '？？']] }),
      C('我就是问问'),
      A(a3007, '抱歉，是我表达不当。可以烤的，6寸以内的蛋糕都没有问题。'),
      C('好吧'),
      A(a3007, '请问还有什么可以帮您？'),
      C('没了'),
      A(a3007, '感谢您的咨询，祝您购物愉快。'),
    ]);
  }
  {
    const x = d();
    add('transfer-no-greeting', '话费', 'app', 'transfer 2048 → 2050; 2050 does not greet after the transfer', [
      C('我交了宽带费为什么还是断网'),
      A(a2048, zhGreeting(a2048, 1)),
      A(a2048, '请您提供一下手机号码。'),
      C(x.phone),
      A(a2048, '您的缴费已经到账，断网可能是线路问题，我为您转接宽带专线的同事处理，请您稍等。', { v: [['wait-with-time', '请您稍等']] }),
      S('会话已由客服2048转接至客服2050'),
      A(a2050, '您的宽带账号已经查到了，目前端口状态异常，我为您远程重置一下。', { v: [['greeting-with-id']] }),
      A(a2050, '已为您重置端口，请您重启光猫后再试一下。'),
      C('好了，能上了'),
      A(a2050, '好的，请问还有什么可以帮您？'),
      C('没了谢谢'),
      A(a2050, '不客气，再见。'),
    ]);
  }

  // -- response time ----------------------------------------------------------------------------
  {
    const x = d();
    add('reply-60s-boundary', '售后', 'web', 'agent 1024 replies after exactly 60 s (in time, not a violation)', [
      C('退款申请被驳回了是什么原因'),
      A(a1024, zhGreeting(a1024, 4), { gap: 20 }),
      A(a1024, '请您提供一下订单号。'),
      C(x.order),
      A(a1024, '经查询，您寄回的包裹里缺少赠品，所以仓库驳回了退款申请。', { gap: 60, note: 'boundary-60' }),
      C('赠品我扔了'),
      A(a1024, '理解，赠品缺失的话会按赠品价值15元从退款中扣除，其余金额可以正常退款，您看可以吗？'),
      C('可以'),
      A(a1024, '好的，已为您重新提交退款申请，预计1-3个工作日到账。'),
      C('好'),
      A(a1024, '请问还有什么可以帮您？'),
      C('没有了'),
      A(a1024, '感谢您的理解，再见。'),
    ]);
  }
  {
    const x = d();
    add('reply-61s', '话费', 'app', 'agent 2048 replies after 61 s (late); the two lines are swapped in the file', [
      C('查一下我的流量还剩多少'),
      A(a2048, zhGreeting(a2048, 0)),
      A(a2048, '请您提供一下手机号码。'),
      C(x.phone, { note: 'swap-first' }),
      A(a2048, '不好意思让您久等了，您本月套餐内的通用流量还剩3.2G，另有5G定向流量。', { gap: 61, v: [['reply-within-60s']] }),
      C('定向流量是什么'),
      A(a2048, '定向流量只能在指定的APP里使用，比如视频和音乐类APP，具体范围可以在营业厅APP里查看。'),
      C('哦好'),
      A(a2048, '请问还有什么可以帮您？'),
      C('没了'),
      A(a2048, '感谢您的来访，再见。'),
    ]);
  }
  {
    const x = d();
    add('reply-5min', '售后', 'app', 'agent 1031 replies after 300 s, then sends 。。。', [
      C('我要投诉，你们发错货了'),
      A(a1031, zhGreeting(a1031, 1)),
      A(a1031, '非常抱歉，请您提供一下订单号，并描述一下收到的商品。'),
      C(`${x.order}，我买的是黑色，收到的是白色`),
      A(a1031, '不好意思让您久等了，已经核实是仓库发错了颜色，为您安排换货。', { gap: 300, v: [['reply-within-60s']] }),
      C('等了这么久'),
      A(a1031, '这个我们也没办法。。。今晚咨询量比较大。', { v: [['no-emotional-punctuation', '。。。']] }),
      C('换货要多久'),
      A(a1031, '快递员会在明天上门取件，新的商品同步发出，预计3天内收到。'),
      C('好吧'),
      A(a1031, '给您带来不便非常抱歉，请问还有什么可以帮您？'),
      C('没有'),
      A(a1031, '感谢您的耐心，再见。'),
    ]);
  }
  {
    const x = d();
    add('reply-95s', '售后', 'wechat', 'agent 102 replies after 95 s', [
      C('能不能帮我催一下发货'),
      A(a102, zhGreeting(a102, 0)),
      A(a102, '请您提供一下订单号。'),
      C(x.order),
      A(a102, '您的订单已经在打包了，今天之内会发出。', { gap: 95, v: [['reply-within-60s']] }),
      C('下单三天了才打包？'),
      A(a102, '非常抱歉，双11期间订单量比较大，发货后会有短信通知您。'),
      C('行吧'),
      A(a102, '请问还有什么可以帮您？'),
      C('没了'),
      A(a102, '感谢您的理解，再见。'),
    ]);
  }

  // -- forbidden phrases and punctuation --------------------------------------------------------
  {
    const x = d();
    add('tic-and-ellipsis', '话费', 'web', 'agent 2048 says 我晕 and starts a message with ……', [
      C('我的话费账单打不开'),
      A(a2048, zhGreeting(a2048, 3)),
      A(a2048, '请您提供一下手机号码。'),
      C(x.phone),
      A(a2048, '我晕，系统又卡住了，请您稍等。', { v: [['no-rude-phrases', '我晕'], ['wait-with-time', '请您稍等']] }),
      A(a2048, '已为您查到，本月账单已经通过短信发送到您的手机，您也可以在营业厅APP首页点击"账单查询"查看。'),
      C('短信我没收到'),
      A(a2048, '……您刚才不是说已经收到短信了吗', { v: [['no-emotional-punctuation', '……'], ['no-rhetorical-questions', '不是说已经收到短信了吗']] }),
      C('我说的是上个月的'),
      A(a2048, '抱歉，是我理解错了，我现在重新为您发送一次本月账单短信。'),
      C('收到了'),
      A(a2048, '请问还有什么可以帮您？'),
      C('没了'),
      A(a2048, '感谢您的来访，再见。'),
    ]);
  }
  {
    const x = d();
    add('tic-zhenshide', '售后', 'app', 'agent 1031 says 真是的', [
      C('物流好几天没更新了'),
      A(a1031, zhGreeting(a1031, 2)),
      A(a1031, '请您提供一下订单号，我为您查询。'),
      C(x.order),
      A(a1031, `真是的，${x.courier}快递又延误了，我马上帮您催一下。`, { v: [['no-rude-phrases', '真是的']] }),
      C('谢谢'),
      A(a1031, `不客气，已经为您登记催件，预计${x.date}前送达。`),
      C('好的'),
      A(a1031, '请问还有什么可以帮您？'),
      C('没有了'),
      A(a1031, '感谢您的耐心，再见。'),
    ]);
  }
  {
    add('rude-shuoba', '宽带', 'web', 'agent 2050 says 喂，说吧 and 爱买不买 (bottom line)', [
      C('你好'),
      A(a2050, zhGreeting(a2050, 1)),
      C('嗯'),
      A(a2050, '喂，说吧，什么问题？', { v: [['no-rude-phrases', '喂，说吧']] }),
      C('我想问下宽带续费'),
      A(a2050, '宽带续费可以在营业厅APP或者微信公众号办理，续费后立即生效。'),
      C('包年多少钱'),
      A(a2050, '300M宽带包年是960元，比按月缴费便宜240元。'),
      C('别家才600，太贵了'),
      A(a2050, '爱买不买。', { v: [['no-abuse', '爱买不买']] }),
      C('什么态度'),
      A(a2050, '非常抱歉，是我态度不好，给您带来了不好的体验。'),
      C('算了，我再看看'),
      A(a2050, '好的，请问还有什么可以帮您？'),
      C('没了'),
      A(a2050, '感谢您的咨询，再见。'),
    ]);
  }
  {
    const x = d();
    add('rude-silent', '售后', 'web', 'agent 102: 喂，说话呀！ and 再不说话我就挂了 to a silent customer', [
      C('在吗'),
      A(a102, zhGreeting(a102, 1)),
      A(a102, '您好，请问还在线吗？', { gap: 40 }),
      A(a102, '喂，说话呀！', { gap: 30, v: [['no-rude-phrases', '喂，说话呀']] }),
      A(a102, '再不说话我就挂了', { gap: 20, v: [['no-rude-phrases', '再不说话我就挂了']] }),
      C('不好意思刚才在忙，我想问下退款'),
      A(a102, '请您提供一下订单号。'),
      C(x.order),
      A(a102, `您的退款已经处理完成，${x.amount}元已原路退回。`),
      C('好的'),
      A(a102, '请问还有什么可以帮您？'),
      C('没有了'),
      A(a102, '感谢您的咨询，再见。'),
    ]);
  }
  {
    const x = d();
    add('double-bang', '售后', 'app', 'agent 1024 sends ！！', [
      C('我的退款到账了吗'),
      A(a1024, zhGreeting(a1024, 0)),
      A(a1024, '请您提供一下订单号。'),
      C(x.order),
      A(a1024, `您的退款${x.amount}元已经到账了！！请您查收。`, { v: [['no-emotional-punctuation', '！！']] }),
      C('看到了'),
      A(a1024, '好的，请问还有什么可以帮您？'),
      C('没有了'),
      A(a1024, '感谢您的支持，再见。'),
    ]);
  }

  // -- clean special cases ----------------------------------------------------------------------
  {
    const x = d();
    add('transfer-clean', '售前', 'app', "transfer 3007 → 1024, both greet; 3007's transfer notice 请您稍等 names no time", [
      C('你好，我上周买的吹风机坏了'),
      A(a3007, zhGreeting(a3007, 4)),
      A(a3007, '请问是什么问题呢？'),
      C('一开机就跳闸'),
      A(a3007, '非常抱歉，质量问题需要售后同事为您处理，我现在为您转接到售后专线，请您稍等。', { v: [['wait-with-time', '请您稍等']] }),
      S('会话已由客服3007转接至客服1024'),
      A(a1024, '您好，这里是售后专线，云客服1024为您服务，您的问题我已经了解了。'),
      A(a1024, '请您提供一下订单号，我为您登记换新。'),
      C(x.order),
      A(a1024, '已为您登记换新，快递员会在明天上门取件并同时送上新机，请您保持电话畅通。'),
      C('太好了，谢谢'),
      A(a1024, '不客气，请问还有什么可以帮您？'),
      C('没有了'),
      A(a1024, '祝您生活愉快，再见。'),
    ]);
  }
  {
    const x = d();
    add('bot-handoff', '售后', 'app', 'bot answers first, agent 1024 joins and greets (clean)', [
      B('您好，我是智能助手小蜜，请问有什么可以帮您？'),
      C('我要退款'),
      B('您可以在"我的订单"中选择对应订单申请退款。请问还有其他问题吗？'),
      C('转人工', { gap: 10 }),
      B('正在为您转接人工客服，请稍候。'),
      S('客服1024已接入会话'),
      A(a1024, zhGreeting(a1024, 3), { gap: 6 }),
      A(a1024, '请问是哪一笔订单需要退款呢？'),
      C(x.order),
      A(a1024, '已为您查到，该订单还未发货，我直接为您取消订单并全额退款。'),
      C('好的'),
      A(a1024, `已为您提交，退款${x.amount}元预计1-3个工作日原路退回。`),
      C('谢谢'),
      A(a1024, '不客气，祝您生活愉快。'),
    ], { botName: '小蜜' });
  }
  {
    const x = d();
    add('bot-traps', '售前', 'wechat', 'bot sends ！！ and the customer writes 怎么这样/！！ — neither is an agent message (clean)', [
      B('亲亲，双11返场活动进行中！！请问有什么可以帮您？'),
      C('我昨天买的今天就降价了，怎么这样！！'),
      B('正在为您转接人工客服，请稍候。'),
      S('客服3007已接入会话'),
      A(a3007, zhGreeting(a3007, 'fullwidth'), { gap: 9 }),
      A(a3007, '非常理解您的心情，请您提供一下订单号，我为您申请价格保护。'),
      C(x.order),
      A(a3007, '已为您申请价保，差价30元会在24小时内退回到您的支付账户。'),
      C('好吧，谢谢'),
      A(a3007, '不客气，祝您购物愉快。'),
    ], { botName: '小蜜' });
  }
  {
    const x = d();
    add('customer-burst', '售后', 'app', 'customer sends 3 messages before agent 1031 replies (clean, reply within 60 s of the first)', [
      C('你好'),
      C('我的包裹显示签收了'),
      C('但是我根本没收到？？'),
      A(a1031, zhGreeting(a1031, 0), { gap: 14 }),
      A(a1031, '请您提供一下订单号，我马上为您核实。'),
      C(x.order),
      A(a1031, `已为您查到，包裹由${x.courier}快递放在了小区的快递驿站，取件码已经重新发送到您的手机。`),
      C('找到了，谢谢'),
      A(a1031, '不客气，请问还有什么可以帮您？'),
      C('没了'),
      A(a1031, '祝您生活愉快，再见。'),
    ]);
  }
  {
    const x = d();
    add('unanswered', '话费', 'app', 'the last customer question is never answered (agent 2048)', [
      C('我要办停机保号'),
      A(a2048, zhGreeting(a2048, 2)),
      A(a2048, '请您提供一下需要办理的手机号码。'),
      C(x.phone),
      A(a2048, '已为您办理停机保号，每月收取5元保号费，号码和余额都会保留。'),
      C('好的'),
      A(a2048, '请问还有什么可以帮您？'),
      C('还有一个问题，我的积分什么时候清零？', { v: [['unanswered', '2048']] }),
    ]);
  }
  {
    const x = d();
    add('nickname-greeting', '宽带', 'web', 'agent 2050 greets with nickname + (ID) (clean)', ZH_TOPICS.outage(a2050, x).map((st, i) =>
      i === 1 ? A(a2050, zhGreeting(a2050, 'nickname')) : st));
  }
  {
    // crosses midnight into 2026-11-28 local time
    const x = d();
    add('cross-midnight', '话费', 'app', 'starts at 23:58 and ends after midnight (clean)', ZH_TOPICS.plan(a2048, x));
  }

  // -- the rest of the service standard (rules added to the zh-CN pack later) -------------------
  {
    const x = d();
    add('rhetorical-told-you', '售后', 'app', 'agent 1031: 不是跟您说了吗', [
      C('我的退款怎么还没到？'),
      A(a1031, zhGreeting(a1031, x.greet)),
      A(a1031, '请您提供一下订单号。'),
      C(x.order),
      A(a1031, '您的退款已经原路退回，银行处理需要1-3个工作日。'),
      C('那到底哪天能到？'),
      A(a1031, '不是跟您说了吗，银行处理需要1-3个工作日。', { v: [['no-rhetorical-questions', '不是跟您说了']] }),
      C('你这什么态度'),
      A(a1031, `非常抱歉，是我表达不当。退款预计${x.date}前到账，到账后银行会有短信通知您。`),
      C('好吧'),
      A(a1031, '请问还有什么可以帮您？'),
      C('没有了'),
      A(a1031, '感谢您的理解，再见。'),
    ]);
  }
  {
    const x = d();
    add('rhetorical-sms-thanks', '话费', 'app', 'agent 2048: 难道您没收到短信吗; later does not answer the thanks', [
      C('我办的流量包怎么没生效'),
      A(a2048, zhGreeting(a2048, x.greet)),
      A(a2048, '请您提供一下手机号码。'),
      C(x.phone),
      A(a2048, '您的流量包已经在今天10点生效了，办理成功时系统给您发过短信。'),
      C('我没看到有短信'),
      A(a2048, '难道您没收到短信吗？', { v: [['no-rhetorical-questions', '难道您没收到短信吗']] }),
      C('真的没有'),
      A(a2048, '抱歉，我为您重新发送一次办理成功的短信，请您查收。'),
      C('收到了，谢谢'),
      A(a2048, '请问还有什么可以帮您？', { v: [['thanks-reply']] }),
      C('没了'),
      A(a2048, '感谢您的来访，再见。'),
    ]);
  }
  {
    const x = d();
    add('honorific-ni', '售后', 'web', 'agent 102 addresses the customer as 你 twice; 你们公司 is allowed', [
      C('在吗'),
      A(a102, zhGreeting(a102, x.greet)),
      C('我们公司上周买的打印机想退货'),
      A(a102, '请你提供一下订单号。', { v: [['honorific-nin', '你']] }),
      C(x.order),
      A(a102, '已为您查到，你们公司这笔订单还在7天无理由退货期内，可以直接申请退货。', { note: 'nimen' }),
      C('怎么申请'),
      A(a102, '你在订单详情页点击"申请售后"，选择"退货退款"就可以了。', { v: [['honorific-nin', '你']] }),
      C('好的'),
      A(a102, '请问还有什么可以帮您？'),
      C('没有了'),
      A(a102, '感谢您的咨询，再见。'),
    ]);
  }
  {
    const x = d();
    add('filler-no-closing', '宽带', 'web', 'agent 2050 opens two messages with 嗯，/啊， and ends without a closing line', [
      C('宽带怎么老是掉线'),
      A(a2050, zhGreeting(a2050, x.greet)),
      A(a2050, '嗯，请您提供一下宽带账号。', { v: [['no-filler-openings', '嗯']] }),
      C(x.broadband),
      A(a2050, '好的，嗯，我看一下线路状态。', { note: 'filler-inside' }),
      A(a2050, '那个端口昨天晚上有告警记录，我已经为您远程重置了。', { note: 'nage' }),
      C('重置了还是掉'),
      A(a2050, '啊，这个需要师傅上门检测一下，我为您预约明天上午。', { v: [['no-filler-openings', '啊']] }),
      C('行'),
      A(a2050, '已为您预约好了，师傅明天上午9点到12点上门。', { v: [['closing-line']] }),
    ]);
  }
  {
    const x = d();
    add('wait-late', '售后', 'app', 'agent 1024 promises 2分钟 and comes back after 185 s; later does not answer the thanks', [
      C('我的退款申请被驳回了是怎么回事'),
      A(a1024, zhGreeting(a1024, x.greet)),
      A(a1024, '请您提供一下订单号。'),
      C(x.order),
      A(a1024, '请您稍等2分钟，我为您联系仓库核实。', { v: [['wait-with-time', '2分钟', { late: true }]] }),
      A(a1024, '感谢您的耐心等待，仓库反馈您寄回的商品缺少配件，补寄配件后就可以重新为您退款。', { gap: 185 }),
      C('配件在我这里，我再寄回去'),
      A(a1024, '好的，寄回时请您在包裹里附上写有订单号的纸条。'),
      C('好，谢谢'),
      A(a1024, '请问还有什么可以帮您？', { v: [['thanks-reply']] }),
      C('没有了'),
      A(a1024, '感谢您的咨询，再见。'),
    ]);
  }
  {
    const x = d();
    add('wait-kept', '话费', 'app', 'agent 2048 promises 2分钟, the customer writes meanwhile, the agent is back after exactly 130 s (clean)', [
      C('帮我查一下合约什么时候到期'),
      A(a2048, zhGreeting(a2048, x.greet)),
      A(a2048, '请您提供一下手机号码。'),
      C(x.phone),
      A(a2048, '请您稍等2分钟，我为您查询合约信息。', { note: 'wait-kept-notice' }),
      C('好了吗', { gap: 20, note: 'wait-kept-customer' }),
      A(a2048, '感谢您的耐心等待，您的合约到2027年6月30日到期，到期前一个月会有短信提醒您。', { gap: 110, note: 'wait-kept-return' }),
      C('好的，谢谢'),
      A(a2048, '不客气，请问还有什么可以帮您？'),
      C('没有了'),
      A(a2048, '感谢您的来访，再见。'),
    ]);
  }
  {
    const x = d();
    add('thanks-habitual', '售后', 'web', 'the customer thanks twice, agent 1031 answers the first with 不客气 (clean)', [
      C('你好，发票抬头开错了能重开吗'),
      A(a1031, zhGreeting(a1031, x.greet)),
      A(a1031, '可以的，请您提供一下订单号和正确的抬头。'),
      C(`${x.order}，抬头是杭州云帆科技有限公司`),
      A(a1031, '已为您重新提交开票申请，新的电子发票会在24小时内发送到您的邮箱。'),
      C('好的，谢谢', { note: 'thanks-1' }),
      A(a1031, '不客气，请问还有什么可以帮您？'),
      C('没有了，太感谢了', { note: 'thanks-2' }),
      A(a1031, '祝您生活愉快，再见。'),
    ]);
  }
  {
    const x = d();
    add('copy-paste-row', '售后', 'app', 'agent 102 pastes the same request twice in a row and ends without a closing line', [
      C('我的快递显示已签收但是没收到'),
      A(a102, zhGreeting(a102, x.greet)),
      A(a102, '请您提供一下订单号，我马上为您查询。'),
      C('我找一下'),
      A(a102, '请您提供一下订单号，我马上为您查询。', { v: [['no-copy-paste']] }),
      C(x.order),
      A(a102, '已为您查到，快递员把包裹放在了您小区的快递柜，取件码已经重新发送到您的手机。'),
      C('找到了'),
      A(a102, '好的。', { v: [['closing-line']] }),
    ]);
  }
  {
    const x = d();
    add('copy-paste-third', '售后', 'app', 'agent 1024 sends the same apology three times; the third is one too many', [
      C('我买的空调三天了还没人来安装'),
      A(a1024, zhGreeting(a1024, x.greet)),
      A(a1024, '请您提供一下订单号。'),
      C(x.order),
      A(a1024, '非常抱歉给您带来不便，我们会尽快为您处理。', { note: 'paste-1' }),
      A(a1024, '您的安装单已经派给了当地的服务网点，师傅会在24小时内联系您。'),
      C('昨天也说24小时，到现在也没人联系'),
      A(a1024, '非常抱歉给您带来不便，我们会尽快为您处理。', { note: 'paste-2' }),
      A(a1024, '我已经为您催促网点，今天18点前师傅会给您回电。'),
      C('今天再不来我就退货了'),
      A(a1024, '非常抱歉给您带来不便，我们会尽快为您处理。', { v: [['no-copy-paste']] }),
      C('好吧'),
      A(a1024, '请问还有什么可以帮您？'),
      C('没有了'),
      A(a1024, '感谢您的耐心，再见。'),
    ]);
  }
  {
    const x = d();
    add('silence-no-prompt', '话费', 'web', 'agent 2048 opens with 那， and closes after 150 s of silence without asking whether the customer is still there', [
      C('我想了解一下5G套餐'),
      A(a2048, zhGreeting(a2048, x.greet)),
      A(a2048, '目前5G套餐有59元、89元和129元三档，分别包含30G、60G和100G通用流量。'),
      C('我先考虑一下'),
      A(a2048, '那，您先考虑一下，有问题随时联系我们。', { v: [['no-filler-openings', '那']] }),
      A(a2048, '感谢您的咨询，再见。', { gap: 150, v: [['silence-prompt', undefined, { silence: true }]] }),
    ]);
  }
  {
    const x = d();
    add('silence-prompted', '售后', 'app', 'agent 1031 asks 请问您还在线吗 before closing a silent chat; writes 滚筒 and 滚动 (clean)', [
      C('我想问一下滚筒洗衣机的延保怎么买'),
      A(a1031, zhGreeting(a1031, x.greet)),
      A(a1031, '滚筒洗衣机的延保在订单详情页就可以购买，页面向下滚动就能看到"购买延保"，一年延保是99元，两年是169元。', { note: 'gun' }),
      C('我看一下'),
      A(a1031, '好的。', { note: 'silence-start' }),
      A(a1031, '请问您还在线吗？', { gap: 150, note: 'silence-prompt' }),
      A(a1031, '由于长时间没有收到您的回复，本次会话将结束，感谢您的咨询，再见。', { gap: 60, note: 'silence-close' }),
    ]);
  }
  {
    add('exempt-mini-silence', '售前', 'wechat', 'agent 3007 answers a question without greeting (exempt); 你 next to 迷你; closes after 240 s of silence without asking', [
      C('这款迷你破壁机可以打豆浆吗？'),
      A(a3007, '可以的，这款迷你破壁机有豆浆模式，不用提前泡豆，25分钟就能打好。', { note: 'exempt-first' }),
      C('一个人用会不会太大'),
      A(a3007, '这款迷你破壁机容量是600毫升，很适合你一个人用。', { v: [['honorific-nin', '你']] }),
      C('我问问家里人'),
      A(a3007, '好的，您商量好了随时联系我们。'),
      A(a3007, '由于您长时间没有回复，本次会话将结束，再见。', { gap: 240, v: [['silence-prompt', undefined, { silence: true }]] }),
    ]);
  }

  // -- ordinary clean conversations --------------------------------------------------------------
  const clean = [
    [a1024, 'logistics', 'app'], [a1031, 'address', 'app'], [a102, 'damaged', 'app'],
    [a2048, 'bill', 'app'], [a2050, 'install', 'web'], [a3007, 'size', 'app'],
  ];
  clean.forEach(([ag, topic, channel], n) => {
    add(`clean-${n + 1}-${ag.id}-${topic}`, ag.team, channel, 'clean', ZH_TOPICS[topic](ag, d()));
  });
  return specs;
}

// ---------------------------------------------------------------------------------------------
// Markdown helpers

function mdTable(head, rows) {
  const esc = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

function violationRows(convs) {
  const rows = [];
  for (const c of convs) {
    for (const v of c.violations) {
      if (v.rule === 'unanswered') continue;
      rows.push([c.id, v.agentId, v.rule, v.index, v.seconds ?? '', v.customerIndex ?? '', v.match ?? '']);
    }
  }
  return rows;
}
const VIOLATION_HEAD = ['conversation', 'agent', 'rule', 'message index', 'delay (s)', 'waiting customer msg index', 'planted text'];

function perAgentRows(convs, rules) {
  const agents = new Map();
  for (const c of convs) {
    for (const m of c.messages) if (m.role === 'agent' && !agents.has(m.agentId)) agents.set(m.agentId, { name: m.agentName, counts: {} });
    for (const v of c.violations) {
      if (v.rule === 'unanswered') continue;
      const a = agents.get(v.agentId);
      a.counts[v.rule] = (a.counts[v.rule] ?? 0) + 1;
    }
  }
  const convCount = (id) => convs.filter((c) => c.messages.some((m) => m.role === 'agent' && m.agentId === id)).length;
  const msgCount = (id) => convs.reduce((n, c) => n + c.messages.filter((m) => m.role === 'agent' && m.agentId === id).length, 0);
  return [...agents.entries()]
    .sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true }))
    .map(([id, a]) => [id, a.name, convCount(id), msgCount(id), ...rules.map((r) => a.counts[r] ?? 0), rules.reduce((n, r) => n + (a.counts[r] ?? 0), 0)]);
}

function stats(convs) {
  const msgs = convs.reduce((n, c) => n + c.messages.length, 0);
  const agents = new Set(convs.flatMap((c) => c.messages.filter((m) => m.role === 'agent').map((m) => m.agentId)));
  return { convs: convs.length, msgs, agents: agents.size };
}

// ---------------------------------------------------------------------------------------------
// fixtures/nightly/2026-11-27.jsonl + fixtures/csv/export-zh.csv

/** Every rule of rules/zh-CN.yaml, in the pack's order (the columns of the per-agent table). */
const ZH_RULES = [
  'greeting-with-id', 'reply-within-60s', 'no-rude-phrases', 'no-emotional-punctuation', 'no-abuse',
  'no-rhetorical-questions', 'honorific-nin', 'no-filler-openings', 'wait-with-time', 'thanks-reply',
  'closing-line', 'no-copy-paste', 'silence-prompt',
];

function night1127() {
  const rng = makeRng('nightly/2026-11-27');
  const specs = zhNight1127Specs(rng);
  const startAt = epoch(2026, 11, 27, 19, 0, 0, 8);
  const { convs, lines } = buildNight(rng, specs, {
    idPrefix: 'C1127-',
    startAt,
    windowSeconds: 4 * 3600 + 40 * 60, // 19:00 – 23:40
    fixedStarts: { 'cross-midnight': epoch(2026, 11, 27, 23, 58, 12, 8) },
  });
  assertUniqueTimes(convs);

  // A few records written late (out of time order in the file):
  //  - in the 61 s conversation the customer message is written after the late agent reply;
  //  - three more records are pushed 3–6 lines further down.
  const moved = [];
  const swapConv = convs.find((c) => c.spec.key === 'reply-61s');
  const swapMi = swapConv.messages.findIndex((m) => m.note === 'swap-first');
  const posOf = (conv, mi) => lines.findIndex((l) => l.conv === conv && l.mi === mi);
  {
    const from = posOf(swapConv, swapMi);
    const to = posOf(swapConv, swapMi + 1);
    const [rec] = lines.splice(from, 1);
    lines.splice(to, 0, rec); // `to` already shifted by one after the removal → lands right after it
    moved.push(rec);
  }
  const candidates = lines
    .map((l, i) => i)
    .filter((i) => i > 20 && i < lines.length - 10 && lines[i].mi > 0 && lines[i].conv !== swapConv);
  for (const i of rng.shuffle(candidates).slice(0, 3).sort((a, b) => b - a)) {
    const [rec] = lines.splice(i, 1);
    lines.splice(i + rng.int(3, 6), 0, rec);
    moved.push(rec);
  }
  // Every moved record must really be out of order, and nothing else may be.
  const outOfOrder = [];
  let maxT = -Infinity;
  lines.forEach((l, i) => {
    if (l.m.t < maxT) outOfOrder.push({ line: i + 1, conv: l.conv.id, index: l.mi });
    maxT = Math.max(maxT, l.m.t);
  });
  if (outOfOrder.length !== moved.length) throw new Error(`out-of-order: ${outOfOrder.length} vs ${moved.length}`);

  const jsonl = lines.map((l) => JSON.stringify(jsonlRecord(l.conv.id, l.m))).join('\n') + '\n';
  write('nightly/2026-11-27.jsonl', jsonl);

  // Same data as CSV: Chinese headers, local time without offset, UTF-8 with BOM and CRLF (as
  // spreadsheet-oriented exports are), RFC 4180 quoting.
  const csv =
    '\uFEFF' +
    [csvRow(ZH_HEADER), ...lines.map((l) => csvRow([l.conv.id, shanghaiLocal(l.m.t), ZH_ROLE[l.m.role], l.m.agentId, l.m.agentName, l.m.text]))].join('\r\n') +
    '\r\n';
  write('csv/export-zh.csv', csv);
  return { convs, lines, outOfOrder };
}

// ---------------------------------------------------------------------------------------------
// fixtures/nightly/2026-11-28.jsonl (flat records mixed with whole-conversation records)

function night1128() {
  const rng = makeRng('nightly/2026-11-28');
  const d = () => zhDetails(rng);
  const specs = [];
  const add = (key, team, channel, note, steps, extra = {}) => specs.push({ key, team, channel, note, steps, ...extra });
  add('slow-75', '话费', 'app', 'agent 2048 replies after 75 s', (() => {
    const x = d();
    const s = ZH_TOPICS.topup(a2048, x);
    s[4] = A(a2048, s[4].text, { gap: 75, v: [['reply-within-60s']] });
    return s;
  })(), { record: true });
  add('bang', '售后', 'web', 'agent 1024 sends !!', (() => {
    const x = d();
    const s = ZH_TOPICS.refund(a1024, x);
    s[4] = A(a1024, `您的退款${x.amount}元已经原路退回!!银行处理一般需要1-3个工作日。`, { v: [['no-emotional-punctuation', '!!']] });
    return s;
  })());
  // The customer opens with a question (请问…吗？), so 3007 may answer directly (exemptIfCustomerAsked). Clean.
  add('no-greeting-record', '售前', 'app', 'agent 3007 skips the greeting after a question (exempt, clean)', (() => {
    const x = d();
    const s = ZH_TOPICS.stock(a3007, x);
    s.splice(1, 1);
    s[1] = A(a3007, s[1].text, { note: 'exempt-first' });
    return s;
  })(), { record: true });
  add('tiana', '售后', 'app', 'agent 102 says 天啊', (() => {
    const x = d();
    const s = ZH_TOPICS.damaged(a102, x);
    s[5] = A(a102, `天啊，${s[5].text}`, { v: [['no-rude-phrases', '天啊']] });
    return s;
  })());
  const clean = [
    [a1024, 'logistics', 'app'], [a2048, 'plan', 'wechat', true], [a3007, 'coupon', 'web'],
    [a102, 'returns', 'app'], [a2048, 'bill', 'app'], [a1024, 'address', 'web'],
  ];
  clean.forEach(([ag, topic, channel, record], n) =>
    add(`clean-${n + 1}`, ag.team, channel, 'clean', ZH_TOPICS[topic](ag, d()), { record: !!record }));

  const { convs, lines } = buildNight(rng, specs, {
    idPrefix: 'C1128-',
    startAt: epoch(2026, 11, 28, 19, 30, 0, 8),
    windowSeconds: 3 * 3600,
  });
  assertUniqueTimes(convs);
  // Conversation records are written as one line at the position of their first message.
  const out = [];
  const emitted = new Set();
  for (const l of lines) {
    if (l.conv.spec.record) {
      if (emitted.has(l.conv)) continue;
      emitted.add(l.conv);
      out.push(JSON.stringify({ id: l.conv.id, channel: l.conv.spec.channel, messages: l.conv.messages.map((m) => nestedMessage(m)) }));
    } else {
      out.push(JSON.stringify(jsonlRecord(l.conv.id, l.m)));
    }
  }
  write('nightly/2026-11-28.jsonl', out.join('\n') + '\n');
  return { convs, lineCount: out.length };
}

// ---------------------------------------------------------------------------------------------
// fixtures/transcript/one-chat.json (the team lead's single conversation)

function oneChat() {
  const rng = makeRng('transcript/one-chat');
  const x = zhDetails(rng);
  const spec = {
    key: 'one-chat', team: '售后', channel: 'web',
    start: epoch(2026, 11, 27, 21, 14, 5, 8),
    steps: [
      C('你好，我买的扫地机器人充不进电'),
      A(a1031, zhGreeting(a1031, 0), { gap: 18 }),
      A(a1031, '请您提供一下订单号，我为您查询。'),
      C(x.order),
      A(a1031, '已为您查到，这台机器还在保修期内。请问充电座的指示灯亮吗？', { gap: 95, v: [['reply-within-60s']] }),
      C('不亮，换了插座也不亮'),
      A(a1031, '真是的，这批充电座已经好几个客户反馈过了。', { v: [['no-rude-phrases', '真是的']] }),
      A(a1031, '我为您免费补发一个新的充电座，旧的不需要寄回。'),
      C('那要等几天？'),
      A(a1031, '明天发出，一般2到3天送达。这期间机器暂时没法用了。。。', { v: [['no-emotional-punctuation', '。。。']] }),
      C('好吧，谢谢'),
      A(a1031, '不客气，给您带来不便非常抱歉，祝您生活愉快。'),
    ],
  };
  const { messages, violations } = realise(rng, spec);
  const conv = { id: 'T20261127-0815', spec, messages, violations };
  const doc = { id: conv.id, channel: 'web', messages: messages.map((m) => nestedMessage(m)) };
  write('transcript/one-chat.json', JSON.stringify(doc, null, 2) + '\n');
  return { convs: [conv] };
}

// ---------------------------------------------------------------------------------------------
// fixtures/english/export.jsonl

const EN_AGENTS = {
  A17: { id: 'A17', name: 'Mia', team: 'orders' },
  A23: { id: 'A23', name: 'Tom', team: 'billing' },
  A2: { id: 'A2', name: 'Lee', team: 'orders' },
  A31: { id: 'A31', name: 'Priya', team: 'billing' },
};
function enGreeting(ag, form) {
  const { id, name } = ag;
  switch (form) {
    case 0: return `Hello, this is agent ${id}, how can I help you today?`;
    case 1: return `Hi! Agent ${id} here. How can I help?`;
    case 2: return `Hi, my name is ${name}, agent ${id}. What can I do for you?`;
    case 3: return `Good evening, this is ${name} (agent ${id}). How may I help you?`;
    case 4: return `Thanks for contacting us! This is agent #${id}, happy to help.`;
    default: throw new Error(`greeting form ${form}`);
  }
}
function english() {
  const rng = makeRng('english/export');
  const order = () => `#${rng.digits(7)}`;
  const { A17, A23, A2, A31 } = EN_AGENTS;
  const specs = [];
  const add = (key, team, note, steps) => specs.push({ key, team, channel: 'web', note, steps });

  add('en-clean-late-parcel', 'orders', 'clean; agent writes an ordinary "..." and "whatever is easiest"; the customer thanks twice, answered once', [
    C('hi, my parcel is late'),
    A(A17, enGreeting(A17, 0)),
    A(A17, 'Could you share your order number, please?'),
    C(order()),
    A(A17, 'Thanks. Let me check...'),
    A(A17, 'Your parcel is at the local depot and should be delivered tomorrow before 6 pm.'),
    C('can I pick it up instead?'),
    A(A17, 'Yes, we can do whatever is easiest for you. I have switched it to depot pickup.'),
    C('great, thanks', { note: 'thanks-1' }),
    A(A17, 'You are welcome! Anything else I can help with?'),
    C('no that is all, thanks again', { note: 'thanks-2' }),
    A(A17, 'Have a great evening!'),
  ]);
  add('en-missing-greeting', 'billing', 'agent A31 skips the greeting; "One moment please." without a time; says "As I already said"', [
    C('Why was I charged twice this month?'),
    A(A31, 'Can you send me the last four digits of the card?', { v: [['greeting-with-id']] }),
    C('4417'),
    A(A31, 'One moment please.', { v: [['wait-with-time', 'One moment']] }),
    A(A31, 'I see two charges. One of them is a pre-authorisation and will drop off within 5 business days.'),
    C('So I will get the money back?'),
    A(A31, 'As I already said, it will drop off within 5 business days.', { v: [['no-rude-phrases', 'As I already said']] }),
    C('ok'),
    A(A31, 'Is there anything else I can help you with?'),
    C('no'),
    A(A31, 'Thank you for your patience. Goodbye.'),
  ]);
  add('en-copied-greeting', 'orders', 'agent A2 pastes "agent A23" (token trap), asks for the order number twice in a row, later "Whatever.", does not answer the thanks', [
    C('I want to cancel my order'),
    A(A2, enGreeting(A23, 0), { v: [['greeting-with-id']] }),
    A(A2, 'Sure, what is the order number?'),
    C('one sec, looking for it'),
    A(A2, 'Sure, what is the order number?', { v: [['no-copy-paste']] }),
    C(order()),
    A(A2, 'That order has already shipped, so it cannot be cancelled. You can return it once it arrives.'),
    C('That is ridiculous, I ordered it an hour ago'),
    A(A2, 'Whatever. I cannot change the policy.', { v: [['no-rude-phrases', 'Whatever']] }),
    C('Can I talk to someone else?'),
    A(A2, 'I apologise for my tone. I have asked the warehouse to intercept the parcel and will email you the result.'),
    C('fine, thanks'),
    A(A2, 'Thank you for your patience. Goodbye.', { v: [['thanks-reply']] }),
  ]);
  add('en-slow-75', 'orders', 'agent A17 replies after 75 s, then "!!"', [
    C('Where is my refund?'),
    A(A17, enGreeting(A17, 1)),
    A(A17, 'Could you give me the order number?'),
    C(order()),
    A(A17, 'Sorry for the wait. Your refund has been approved!! It will reach your card in 3-5 days.', { gap: 75, v: [['reply-within-60s'], ['no-emotional-punctuation', '!!']] }),
    C('thanks'),
    A(A17, 'You are welcome. Anything else?'),
    C('no'),
    A(A17, 'Have a nice evening.'),
  ]);
  add('en-calm-down', 'billing', 'agent A23 tells the customer to calm down, comes back 170 s after "hold for 2 minutes", says "Take it or leave it" (bottom line); customer\'s own "!!!" and "calm down" are not flagged', [
    C('Your app charged me for a plan I never ordered!!!'),
    A(A23, enGreeting(A23, 2)),
    C('I am not going to calm down, I want my money back'),
    A(A23, 'Sir, please calm down and send me the email on the account.', { v: [['no-rude-phrases', 'calm down']] }),
    C('j.smith@example.com'),
    A(A23, 'Thank you. Please hold for 2 minutes while I check the account.', { v: [['wait-with-time', '2 minutes', { late: true }]] }),
    A(A23, 'Thanks for waiting. I have cancelled the plan and refunded the charge of $12.99.', { gap: 170 }),
    C('ok, and make sure it does not happen again'),
    A(A23, 'Take it or leave it.', { v: [['no-abuse', 'Take it or leave it']] }),
    C('excuse me?'),
    A(A23, 'I apologise, that was uncalled for. I have added a note so the plan cannot be added again without your consent.'),
    C('ok'),
    A(A23, 'Is there anything else I can help with?'),
    C('no'),
    A(A23, 'Thank you for contacting us. Goodbye.'),
  ]);
  add('en-interrobang', 'billing', 'agent A23 writes "?!"; answers "no thanks" with "Have a good evening." (a declined offer needs no "you\'re welcome")', [
    C('hello?'),
    A(A23, enGreeting(A23, 4)),
    C('I never got my invoice'),
    A(A23, 'You did not get the email?! It was sent on Monday.', { v: [['no-emotional-punctuation', '?!']] }),
    C('no, nothing'),
    A(A23, 'I am sorry about that. I have resent the invoice to the email on your account.'),
    C('got it'),
    A(A23, 'Great. Anything else I can help with?'),
    C('no thanks'),
    A(A23, 'Have a good evening.'),
  ]);
  add('en-dots-not-my-problem', 'billing', 'agent A31 writes "...." and "that\'s not my problem", ends without a closing line', [
    C('hi'),
    A(A31, enGreeting(A31, 3)),
    C('the courier left my parcel in the rain and it is ruined'),
    A(A31, 'Let me check....', { v: [['no-emotional-punctuation', '....']] }),
    A(A31, "Sorry, that's not my problem, you need to contact the courier.", { v: [['no-rude-phrases', "that's not my problem"]] }),
    C('Seriously?'),
    A(A31, 'My apologies. I have opened a damage claim for you; you will get a replacement within 3 days.'),
    C('ok thank you'),
    A(A31, 'You are welcome.', { v: [['closing-line']] }),
  ]);
  add('en-clean-address', 'orders', 'clean; asks "Are you still there?" before closing a silent chat', [
    C('Can I change my delivery address?'),
    A(A2, enGreeting(A2, 1)),
    A(A2, 'Yes, if the order has not shipped yet. What is the order number?'),
    C(order()),
    A(A2, 'It has not shipped. What is the new address?'),
    C('12 Harbour Road, Flat 3'),
    A(A2, 'Done. The order will go to 12 Harbour Road, Flat 3.'),
    C('thanks'),
    A(A2, 'You are welcome.', { note: 'silence-start' }),
    A(A2, 'Are you still there?', { gap: 150, note: 'silence-prompt' }),
    A(A2, 'I am closing this chat now. Have a nice day!', { gap: 60, note: 'silence-close' }),
  ]);
  add('en-clean-upgrade', 'billing', 'clean; the customer writes during "hold for 1 minute", the agent is back after exactly 70 s', [
    C('I would like to upgrade my plan'),
    A(A31, enGreeting(A31, 0)),
    A(A31, 'Our Plus plan is $15 a month and includes 50 GB of data. Shall I switch you?'),
    C('yes please'),
    A(A31, 'Please hold for 1 minute while I make the change.', { note: 'wait-kept-notice' }),
    C('ok', { gap: 5, note: 'wait-kept-customer' }),
    A(A31, 'Done. The new plan starts on your next billing date, December 1.', { gap: 65, note: 'wait-kept-return' }),
    C('great'),
    A(A31, 'Anything else I can help with?'),
    C('no'),
    A(A31, 'Thank you for contacting us. Goodbye.'),
  ]);
  add('en-silence', 'orders', 'agent A17 closes after 200 s of silence without asking whether the customer is still there', [
    C('I cannot log in'),
    A(A17, enGreeting(A17, 2)),
    A(A17, 'I can send you a password reset link. Is the email on the account still correct?'),
    C('yes'),
    A(A17, 'I have sent the link. It is valid for 30 minutes.'),
    C('ok, let me try'),
    A(A17, 'Sure, take your time.'),
    A(A17, 'I am closing this chat now. Goodbye.', { gap: 200, v: [['silence-prompt', undefined, { silence: true }]] }),
  ]);

  const { convs, lines } = buildNight(rng, specs, {
    idPrefix: 'E1127-',
    startAt: epoch(2026, 11, 27, 20, 0, 0, 8),
    windowSeconds: 3 * 3600,
  });
  assertUniqueTimes(convs);
  write('english/export.jsonl', lines.map((l) => JSON.stringify(jsonlRecord(l.conv.id, l.m))).join('\n') + '\n');
  return { convs, lines };
}

// ---------------------------------------------------------------------------------------------
// fixtures/broken/*

function broken() {
  const t0 = epoch(2026, 11, 27, 21, 0, 0, 8);
  const rec = (conv, dt, role, text, ag) => {
    const r = { conversation_id: conv, timestamp: isoOffset(t0 + dt), role };
    if (ag) Object.assign(r, { agent_id: ag.id, agent_name: ag.name });
    r.text = text;
    return JSON.stringify(r);
  };
  const omit = (json, key) => {
    const o = JSON.parse(json);
    delete o[key];
    return JSON.stringify(o);
  };
  const set = (json, key, value) => JSON.stringify({ ...JSON.parse(json), [key]: value });
  const lines = [
    /* 1 */ rec('B-001', 0, 'customer', '你好，我的订单还没发货'),
    /* 2 */ rec('B-001', 20, 'agent', zhGreeting(a1024, 0), a1024),
    /* 3 */ '',
    /* 4 */ rec('B-001', 35, 'agent', '请您提供一下订单号。', a1024).slice(0, -12), // truncated: invalid JSON
    /* 5 */ rec('B-001', 60, 'customer', '8820441766521093'),
    /* 6 */ omit(rec('B-001', 80, 'agent', '已为您催促仓库，今天之内发出。', a1024), 'timestamp'),
    /* 7 */ rec('B-001', 95, 'agent', '您的订单今晚发货！！请问还有什么可以帮您？', a1024),
    /* 8 */ omit(rec('B-002', 100, 'customer', '我要改地址'), 'conversation_id'),
    /* 9 */ '',
    /* 10 */ rec('B-002', 110, 'customer', '在吗'),
    /* 11 */ set(rec('B-002', 125, 'agent', zhGreeting(a2048, 1), a2048), 'role', 'alien'),
    /* 12 */ set(rec('B-002', 130, 'agent', zhGreeting(a2048, 1), a2048), 'timestamp', '27/11/2026 晚上9点'),
    /* 13 */ rec('B-002', 140, 'agent', zhGreeting(a2048, 1), a2048),
    /* 14 */ JSON.stringify('这一行是一个JSON字符串，不是对象'), // valid JSON, but not a record
    /* 15 */ rec('B-002', 160, 'customer', '我想换个套餐'),
    /* 16 */ '',
    /* 17 */ '',
    /* 18 */ rec('B-002', 185, 'agent', '好的，请问您平时每月用多少流量？', a2048),
    /* 19 */ rec('B-002', 230, 'customer', '20G左右'),
    /* 20 */ rec('B-002', 250, 'agent', '为您推荐畅享59元套餐，包含30G通用流量。请问还有什么可以帮您？', a2048),
  ];
  write('broken/bad-lines.jsonl', lines.join('\n')); // deliberately no trailing newline

  const t1 = epoch(2026, 11, 27, 22, 10, 0, 8);
  const row = (conv, dt, role, ag, text) => [conv, dt === null ? '' : shanghaiLocal(t1 + dt), ZH_ROLE[role], ag?.id, ag?.name, text];
  const csvRows = [
    /* 2 */ row('M-001', 0, 'customer', null, '你好，发票开错了'),
    /* 3 */ row('M-001', 25, 'agent', a1031, zhGreeting(a1031, 0)),
    /* 4 */ row('', 40, 'agent', a1031, '请您提供一下订单号。'), // no conversation id
    /* 5 */ row('M-001', 70, 'customer', null, '7730218845120967'),
    /* 6 */ row('M-001', null, 'agent', a1031, '已为您重新开具发票。'), // no time
    /* 7 */ row('M-001', 95, 'agent', a1031, '电子发票稍后发送到您的邮箱，请您注意查收。'),
    /* 8 */ row('M-001', 130, 'customer', null, '好的'),
    /* 9 */ row('M-001', 150, 'agent', a1031, '请问还有什么可以帮您？'),
    /* 10 */ row('M-002', 200, 'customer', null, '宽带装机预约改时间'),
    /* 11 */ row('', null, 'agent', a2050, '请您提供一下宽带账号。'), // neither
    /* 12 */ row('M-002', 230, 'agent', a2050, zhGreeting(a2050, 1)),
    /* 13 */ row('M-002', 260, 'customer', null, 'ad310558821'),
    /* 14 */ row('M-002', null, 'customer', null, '改到周六上午'), // no time
    /* 15 */ row('M-002', 290, 'agent', a2050, '已为您改到周六上午9点到12点，师傅上门前会电话联系您。请问还有什么可以帮您？'),
  ];
  write('broken/missing-fields.csv', [csvRow(ZH_HEADER), ...csvRows.map(csvRow)].join('\n') + '\n');

  // GBK: the UTF-8 text below, converted with iconv. CRLF, no BOM.
  const t2 = epoch(2026, 11, 27, 20, 40, 0, 8);
  const g = (conv, dt, role, ag, text) => csvRow([conv, shanghaiLocal(t2 + dt), ZH_ROLE[role], ag?.id, ag?.name, text]);
  const gbkText = [
    csvRow(ZH_HEADER),
    g('G-001', 0, 'customer', null, '你好，我的话费余额不对'),
    g('G-001', 22, 'agent', a2048, zhGreeting(a2048, 0)),
    g('G-001', 35, 'agent', a2048, '请您提供一下手机号码。'),
    g('G-001', 80, 'customer', null, '139****2286'),
    g('G-001', 101, 'agent', a2048, '经查询，您本月有一笔10元的来电显示功能费，已经为您退订并退费。'),
    g('G-001', 140, 'customer', null, '好的，谢谢'),
    g('G-001', 150, 'agent', a2048, '不客气，请问还有什么可以帮您？'),
    g('G-002', 300, 'customer', null, '退货运费谁出'),
    g('G-002', 330, 'agent', a1024, zhGreeting(a1024, 0)),
    g('G-002', 345, 'agent', a1024, '您的订单有运费险，退货运费会自动理赔，请您放心。'),
    g('G-002', 490, 'customer', null, '那退款多久到账？'),
    g('G-002', 565, 'agent', a1024, '仓库签收后48小时内为您退款。'),
  ].join('\r\n') + '\r\n';
  const gbkFile = join(FIX, 'broken/gbk-export.csv');
  try {
    const bytes = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: Buffer.from(gbkText, 'utf8') });
    mkdirSync(dirname(gbkFile), { recursive: true });
    writeFileSync(gbkFile, bytes);
    written.push(relative(ROOT, gbkFile));
  } catch (err) {
    console.warn(`warning: iconv failed (${err.message.split('\n')[0]}); ${relative(ROOT, gbkFile)} ${existsSync(gbkFile) ? 'left as it was' : 'NOT written'}`);
  }
  // What the rules find in the GBK file (rows of EXPECTED.md). G-002 ends on the agent's answer
  // without a closing line (还有什么可以帮您 / 再见 …), as exports cut at the last message do.
  return {
    expected: [
      ['G-002', '1024', 'reply-within-60s', 4, 75, 3, ''],
      ['G-002', '1024', 'closing-line', 4, '', '', ''],
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// README.md and EXPECTED.md

function violationSummary(convs) {
  const parts = [];
  for (const c of convs) {
    const vs = c.violations.map((v) => {
      if (v.rule === 'unanswered') return `final customer msg (index ${v.index}) never answered — not counted, engine policy, see EXPECTED.md`;
      if (v.rule === 'reply-within-60s') return `${v.rule} ${v.seconds}s (${v.agentId})`;
      if (v.late) return `${v.rule} “${v.match}” promised, back after ${v.seconds}s (${v.agentId})`;
      if (v.rule === 'silence-prompt') return `${v.rule} ${v.seconds}s of silence (${v.agentId})`;
      return `${v.rule}${v.match ? ` “${v.match}”` : ''} (${v.agentId})`;
    });
    if (vs.length) parts.push(`${c.id}: ${vs.join('; ')}`);
  }
  return parts.join('<br>');
}

/** Planted findings per rule, in the given rule order (rules without any are left out). */
function ruleCounts(convs, rules) {
  const counts = new Map(rules.map((r) => [r, 0]));
  for (const c of convs) for (const v of c.violations) if (v.rule !== 'unanswered') counts.set(v.rule, (counts.get(v.rule) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 0).map(([r, n]) => `${r} ${n}`).join(', ');
}
const plantedTotal = (convs) => convs.reduce((n, c) => n + c.violations.filter((v) => v.rule !== 'unanswered').length, 0);

const EN_RULES = [
  'greeting-with-id', 'reply-within-60s', 'no-rude-phrases', 'no-emotional-punctuation', 'no-abuse',
  'wait-with-time', 'thanks-reply', 'closing-line', 'no-copy-paste', 'silence-prompt',
];

function docs(n27, n28, one, en, gbk) {
  const s27 = stats(n27.convs);
  const s28 = stats(n28.convs);
  const sen = stats(en.convs);
  const conv = (convs, key) => {
    const c = convs.find((x) => x.spec.key === key);
    if (!c) throw new Error(`no conversation ${key}`);
    return c;
  };
  const byKey = (convs, key) => conv(convs, key).id;
  /** Index of the message carrying `note` in the conversation with `key`. */
  const at = (convs, key, note) => {
    const i = conv(convs, key).messages.findIndex((m) => m.note === note);
    if (i < 0) throw new Error(`${key}: no message noted ${note}`);
    return i;
  };
  const t = (convs, key, note) => conv(convs, key).messages[at(convs, key, note)].t;
  const k27 = (key) => byKey(n27.convs, key);
  const readme = `# fixtures

Sample exports for the README, the demos and the tests. Everything in this folder except
\`hostile/\`, \`formats/\`, \`mapping/\` and \`encodings/\` is generated by \`node scripts/make-fixtures.mjs\`
(fixed seed, byte-identical on every run); edit the script, not the files. Exact expectations (message
indexes, delays) are in [EXPECTED.md](EXPECTED.md). The other folders are maintained separately and
documented there.

All Chinese fixtures are meant for \`rules/zh-CN.yaml\` (13 rules), \`english/\` for \`rules/en.yaml\` (10 rules).
Timestamps carry \`+08:00\` unless stated otherwise.

${mdTable(['file', 'what it shows', 'violations (conversation: rule, agent)'], [
  [
    'nightly/2026-11-27.jsonl',
    `A night's flat JSONL export (one message per line): ${s27.convs} conversations, ${s27.msgs} messages, ${s27.agents} agents (1024, 1031, 102, 2048, 2050, 3007). Lines of different conversations interleaved; ${n27.outOfOrder.length} lines out of time order (JSONL lines ${n27.outOfOrder.map((o) => o.line).join(', ')}), including the customer message and the late reply of ${k27('reply-61s')} written in reverse order. Bot messages before the agent joins (${k27('bot-handoff')}, ${k27('bot-traps')}); transfers (${k27('transfer-clean')}, ${k27('transfer-no-greeting')} without greeting); a 3-message customer burst (${k27('customer-burst')}); a reply after exactly 60 s (${k27('reply-60s-boundary')}, in time); a conversation crossing midnight (${k27('cross-midnight')}); a final customer question never answered (${k27('unanswered')}). Greeting skipped after the customer's question, allowed (${k27('missing-greeting')}, ${k27('exempt-mini-silence')}); a promised wait kept while the customer writes meanwhile (${k27('wait-kept')}); a habitual thanker answered once (${k27('thanks-habitual')}); a silent customer asked before the close (${k27('silence-prompted')}); the same apology twice, allowed, then a third time (${k27('copy-paste-third')}). Conversations without any finding: ${n27.convs.filter((c) => c.violations.filter((v) => v.rule !== 'unanswered').length === 0).length}. Planted findings: ${plantedTotal(n27.convs)} (${ruleCounts(n27.convs, ZH_RULES)}).`,
    violationSummary(n27.convs),
  ],
  [
    'nightly/2026-11-28.jsonl',
    `A second, smaller night: ${s28.convs} conversations, ${s28.msgs} messages, ${s28.agents} agents, ${n28.lineCount} lines. ${n28.convs.filter((c) => c.spec.record).map((c) => c.id).join(', ')} are written as one conversation record per line (\`{"id", "channel", "messages": [...]}\`, messages without \`conversation_id\`), mixed in between flat message lines. ${byKey(n28.convs, 'no-greeting-record')}: agent 3007 answers the customer's question without a greeting (allowed). Planted findings: ${plantedTotal(n28.convs)}.`,
    violationSummary(n28.convs),
  ],
  [
    'csv/export-zh.csv',
    'Exactly the records of nightly/2026-11-27.jsonl in the same order, as CSV with Chinese headers (会话ID,发送时间,角色,客服工号,客服昵称,消息内容), roles 客服/客户/机器人/系统, times `YYYY-MM-DD HH:mm:ss` local Asia/Shanghai without offset. UTF-8 with BOM, CRLF line ends, RFC 4180 quoting (commas, ASCII double quotes and newlines inside 消息内容). No team/channel columns.',
    'Same as nightly/2026-11-27.jsonl.',
  ],
  [
    'transcript/one-chat.json',
    `One conversation object \`{"id", "channel", "messages": [...]}\` (pretty-printed JSON), ${one.convs[0].messages.length} messages, agent 1031 — the team lead's case.`,
    violationSummary(one.convs),
  ],
  [
    'english/export.jsonl',
    `English flat JSONL export: ${sen.convs} conversations, ${sen.msgs} messages, ${sen.agents} agents (A17, A23, A2, A31). Traps that must NOT be reported: an agent's ordinary "..." and "whatever is easiest for you", and a customer who thanks twice, answered once (${byKey(en.convs, 'en-clean-late-parcel')}); the customer's own "!!!" and "calm down" (${byKey(en.convs, 'en-calm-down')}); "agent A23" written by agent A2 must not count as A2's ID; a "hold for 1 minute" kept while the customer writes (${byKey(en.convs, 'en-clean-upgrade')}); "Are you still there?" before closing a silent chat (${byKey(en.convs, 'en-clean-address')}). Planted findings: ${plantedTotal(en.convs)} (${ruleCounts(en.convs, EN_RULES)}).`,
    violationSummary(en.convs),
  ],
  [
    'broken/bad-lines.jsonl',
    '20 physical lines: 10 valid message records, 4 blank lines (3, 9, 16, 17; ignored, not records), 6 bad records: line 4 invalid JSON (truncated), line 6 no timestamp, line 8 no conversation_id, line 11 role "alien", line 12 unparseable timestamp "27/11/2026 晚上9点", line 14 a JSON string instead of an object. No newline after line 20 (a valid record). read = 16 records = 10 used + 6 skipped.',
    'B-001: no-emotional-punctuation “！！” (1024, line 7). B-002: none (agent 2048 greets at line 13).',
  ],
  [
    'broken/missing-fields.csv',
    '14 data rows (header is line 1, LF line ends, no BOM): line 4 has an empty 会话ID, lines 6 and 14 an empty 发送时间, line 11 both → 4 skipped, 10 used (M-001: 6 messages, M-002: 4).',
    'none among the usable rows.',
  ],
  [
    'broken/gbk-export.csv',
    'The same CSV layout, encoded in GBK (not UTF-8), CRLF, no BOM: 12 data rows, conversations G-001 (2048, 7 messages) and G-002 (1024, 5 messages). A reader must detect/decode GBK (or be told the encoding) — decoded as UTF-8 it is mojibake.',
    gbk.map(([c, a, r, i, d, w]) => `${c}: ${r}${d !== '' ? ` ${d}s` : ''} (${a}, ${w !== '' ? `customer msg index ${w} → ` : ''}agent msg index ${i})`).join('<br>'),
  ],
])}
`;
  const wait27 = conv(n27.convs, 'wait-kept');
  const expected = `# Expected findings

Generated by \`scripts/make-fixtures.mjs\` from the violations it plants; do not edit by hand.

Conventions:
- **message index** is the 0-based position of the message within its conversation after sorting by
  timestamp (every role counts: customer, agent, bot, system). No two messages of one conversation share
  a timestamp, so the order is unambiguous.
- **delay (s)** is the finding's \`seconds\`: the customer's wait for **reply-within-60s**, the actual wait
  for a late **wait-with-time** return, the silence for **silence-prompt**; empty for every other finding.
  **waiting customer msg index** is filled for reply-within-60s only. **planted text** is the finding's
  \`match\` as written in the export (the engine matches width-folded text, e.g. “喂，说吧” → “喂,说吧”,
  “！！” → “!!”), empty when the rule reports none.
- **greeting-with-id**: reported at the agent's first message in the conversation (\`within: 1\`). With
  zh-CN's \`exemptIfCustomerAsked\`, the conversation's first agent may skip the greeting when a customer
  message before it asks a question (and no bot answered it); “在吗” / “你好” are hails, not questions. A
  transferred-in agent always greets, and a greeting with someone else's id is a finding even when the
  agent could have skipped it (${k27('copied-greeting')}). The en pack has no exemption.
- **reply-within-60s**: reported at the late agent reply; *delay* is reply time − waiting customer message
  time. Every planted slow reply follows exactly one waiting customer message, so first-vs-last-of-burst
  makes no difference. Replies of exactly 60 s are in time. A customer message written during a wait the
  agent announced with a time (“请您稍等2分钟”, up to the agent's next message) starts no clock.
- **no-rude-phrases** / **no-emotional-punctuation** / **no-abuse** / **no-rhetorical-questions** /
  **honorific-nin** / **no-filler-openings**: reported on the message, one row per match (every planted
  message has one match). honorific-nin's match is the single character “你” (“你们”, “迷你” are
  exceptions); no-filler-openings only counts a filler at the very start of a message.
- **wait-with-time**: both findings sit on the wait notice itself. A notice without a time: planted text is
  the notice phrase (“请您稍等”, “One moment”), no delay. A promise not kept: planted text is the promised
  time (“2分钟”, “2 minutes”), delay is the actual wait = next agent message − notice; late means more than
  the promise + 10 s grace (exactly promise + 10 s is in time).
- **thanks-reply**: reported on the first agent message after the customer's thanks, when neither of the
  agent's next two messages answers it (不客气 / you're welcome …). Only the conversation's first thanks is
  checked (\`once\`), so a habitual thanker needs one answer.
- **closing-line**: reported on the conversation's last agent message when none of the last two agent
  messages has a closing line (还有什么可以帮您 / 感谢您的… / 祝您…愉快 / 再见; anything else / have a nice day / goodbye …).
- **no-copy-paste**: reported on the repeated message — the second of two identical messages in a row
  among the agent's own messages, or the third occurrence in the conversation; planted text is the whole
  message. A second, non-consecutive occurrence is allowed.
- **silence-prompt**: reported on the closing message (再见 / 会话结束; goodbye / closing this chat); delay
  is the silence = close − the agent's first message after the customer's last one; more than 120 s
  requires a prompt (请问您还在线吗 / are you still there) before the close.
- Nothing else may be reported. Bot, system and customer messages contain traps (“！！”, “？？”, “怎么这样”,
  a customer's “你好”, “嗯”, “你这什么态度”) that rules with the default \`role: agent\` must ignore.

## nightly/2026-11-27.jsonl (and csv/export-zh.csv)

${s27.convs} conversations, ${s27.msgs} messages, ${s27.agents} agents. Total planted findings: ${plantedTotal(n27.convs)} (${ruleCounts(n27.convs, ZH_RULES)}).

${mdTable(VIOLATION_HEAD, violationRows(n27.convs))}

Per agent (conversations the agent wrote in, agent messages, findings per rule):

${mdTable(['agent', 'name', 'conversations', 'messages', ...ZH_RULES, 'total'], perAgentRows(n27.convs, ZH_RULES))}

Not violations, but worth a test:

${mdTable(['conversation', 'what', 'detail'], [
  ...n27.convs.filter((c) => c.spec.key === 'reply-60s-boundary').map((c) => {
    const i = c.messages.findIndex((m) => m.note === 'boundary-60');
    return [c.id, 'reply after exactly 60 s (in time)', `agent 1024, customer msg index ${i - 1} → agent msg index ${i}`];
  }),
  ...n27.convs.filter((c) => c.spec.key === 'unanswered').map((c) => {
    const v = c.violations.find((x) => x.rule === 'unanswered');
    return [c.id, 'last customer message never answered', `customer msg index ${v.index} (last message), handled by agent ${v.agentId}; no agent message follows. Whether this is a reply-within-60s finding is the engine's policy — it is NOT counted in the totals above.`];
  }),
  [k27('missing-greeting'), 'no greeting, customer asked first (exempt)', `customer msg index 0 “我的快递三天都没动了，怎么回事” asks (怎么); 1031 answers directly at index ${at(n27.convs, 'missing-greeting', 'exempt-first')} — no greeting-with-id finding`],
  [k27('exempt-mini-silence'), 'no greeting, customer asked first (exempt); “迷你”', `customer msg index 0 “这款迷你破壁机可以打豆浆吗？”; 3007 answers directly at index ${at(n27.convs, 'exempt-mini-silence', 'exempt-first')}. “迷你” (twice) is an honorific-nin exception; only the “你” of “适合你” is a finding`],
  [k27('copied-greeting'), 'customer asked first, but the greeting has another id', 'customer msg index 0 “退货地址是哪里” asks (哪), yet 102 greets with “云客服1024” at index 1 — the greeting-with-id finding above stays'],
  [k27('late-greeting'), '“在吗” is not a question', 'customer msg index 0 is “在吗”, so 3007 must greet — the greeting-with-id finding above stays'],
  ...n27.convs.filter((c) => c.spec.key === 'transfer-clean').map((c) => [c.id, 'transfer 3007 → 1024', "system message at index 5; 1024 greets at index 6 (3007 greeted at index 1); the only finding is 3007's untimed “请您稍等” at index 4"]),
  ...n27.convs.filter((c) => c.spec.key === 'transfer-no-greeting').map((c) => [c.id, 'transfer 2048 → 2050', 'system message at index 5; 2050 does not greet (finding above, although the customer asked at index 0: a transferred-in agent always greets); 2048 greeted at index 1']),
  ...n27.convs.filter((c) => c.spec.key === 'bot-handoff').map((c) => [c.id, 'bot before agent', 'indexes 0–4 are bot/customer, 5 system, 1024 greets at index 6 ("亲，您好，云客服1024号为您服务～")']),
  ...n27.convs.filter((c) => c.spec.key === 'bot-traps').map((c) => [c.id, 'bot “！！”, customer “怎么这样！！”; full-width digits', '3007 greets with “云客服３００７为您服务” (full-width digits, valid after width folding) at index 4']),
  ...n27.convs.filter((c) => c.spec.key === 'customer-burst').map((c) => [c.id, '3-message customer burst', `customer msgs 0–2 (“？？” in a customer message), 1031 replies at index 3, ${c.messages[3].t - c.messages[0].t} s after the first`]),
  ...n27.convs.filter((c) => c.spec.key === 'nickname-greeting').map((c) => [c.id, 'greeting with nickname', '“云客服晓峰（2050）为您服务” at index 1 — valid']),
  ...n27.convs.filter((c) => c.spec.key === 'cross-midnight').map((c) => [c.id, 'crosses midnight', `${isoOffset(c.messages[0].t)} → ${isoOffset(c.messages.at(-1).t)}`]),
  [wait27.id, 'promised wait kept, customer wrote meanwhile', `2048 “请您稍等2分钟” at index ${at(n27.convs, 'wait-kept', 'wait-kept-notice')}; customer “好了吗” at index ${at(n27.convs, 'wait-kept', 'wait-kept-customer')}; 2048 back at index ${at(n27.convs, 'wait-kept', 'wait-kept-return')}, ${t(n27.convs, 'wait-kept', 'wait-kept-return') - t(n27.convs, 'wait-kept', 'wait-kept-notice')} s after the notice (= 120 s + 10 s grace, in time) and ${t(n27.convs, 'wait-kept', 'wait-kept-return') - t(n27.convs, 'wait-kept', 'wait-kept-customer')} s after the customer's message — neither wait-with-time nor reply-within-60s`],
  ...n27.convs.filter((c) => c.spec.key.startsWith('clean-') && c.spec.steps.some((st) => st.role === 'agent' && st.text.includes('稍等'))).map((c) => {
    const i = c.messages.findIndex((m) => m.role === 'agent' && m.text.includes('稍等'));
    return [c.id, 'promised wait kept', `${c.messages[i].agentId} “${c.messages[i].text}” at index ${i}, back ${c.messages[i + 1].t - c.messages[i].t} s later at index ${i + 1}`];
  }),
  [k27('thanks-habitual'), 'habitual thanker answered once', `customer thanks at index ${at(n27.convs, 'thanks-habitual', 'thanks-1')} (answered “不客气” at index ${at(n27.convs, 'thanks-habitual', 'thanks-1') + 1}) and again at index ${at(n27.convs, 'thanks-habitual', 'thanks-2')} (“太感谢了”, not answered — only the first thanks counts)`],
  [k27('copy-paste-third'), 'same message twice, not in a row', `1024 sends “非常抱歉给您带来不便，我们会尽快为您处理。” at index ${at(n27.convs, 'copy-paste-third', 'paste-1')} and ${at(n27.convs, 'copy-paste-third', 'paste-2')} (allowed: max 2, other messages in between); only the third time is a finding`],
  [k27('silence-prompted'), 'silent customer asked before the close', `1031's silence starts at index ${at(n27.convs, 'silence-prompted', 'silence-start')}; “请问您还在线吗？” at index ${at(n27.convs, 'silence-prompted', 'silence-prompt')}; close at index ${at(n27.convs, 'silence-prompted', 'silence-close')} after ${t(n27.convs, 'silence-prompted', 'silence-close') - t(n27.convs, 'silence-prompted', 'silence-start')} s`],
  [k27('silence-prompted'), '滚筒 / 滚动', `1031 writes “滚筒洗衣机” and “页面向下滚动” at index ${at(n27.convs, 'silence-prompted', 'gun')} — not no-abuse's 滚`],
  [k27('honorific-ni'), '“你们公司”', `102 writes “你们公司” at index ${at(n27.convs, 'honorific-ni', 'nimen')} — an honorific-nin exception`],
  [k27('filler-no-closing'), 'filler inside a message; 那个', `2050 “好的，嗯，我看一下线路状态。” at index ${at(n27.convs, 'filler-no-closing', 'filler-inside')} (嗯 not at the start) and “那个端口…” at index ${at(n27.convs, 'filler-no-closing', 'nage')} (那个 is not a filler)`],
  ...n27.outOfOrder.map((o) => [o.conv, 'out of time order in the file', `JSONL line ${o.line} (conversation message index ${o.index})`]),
])}

## transcript/one-chat.json

${mdTable(VIOLATION_HEAD, violationRows(one.convs))}

## nightly/2026-11-28.jsonl

${s28.convs} conversations, ${s28.msgs} messages, ${s28.agents} agents. Total planted findings: ${plantedTotal(n28.convs)}.

${mdTable(VIOLATION_HEAD, violationRows(n28.convs))}

Not violations, but worth a test:

${mdTable(['conversation', 'what', 'detail'], [
  [byKey(n28.convs, 'no-greeting-record'), 'no greeting, customer asked first (exempt)', `customer msg index 0 “${conv(n28.convs, 'no-greeting-record').messages[0].text}” asks; 3007 answers directly at index ${at(n28.convs, 'no-greeting-record', 'exempt-first')} — no greeting-with-id finding (a conversation record line)`],
])}

## english/export.jsonl (rules/en.yaml)

${sen.convs} conversations, ${sen.msgs} messages, ${sen.agents} agents. Total planted findings: ${plantedTotal(en.convs)} (${ruleCounts(en.convs, EN_RULES)}).

${mdTable(VIOLATION_HEAD, violationRows(en.convs))}

Not violations, but worth a test:

${mdTable(['conversation', 'what', 'detail'], [
  [byKey(en.convs, 'en-clean-late-parcel'), 'habitual thanker answered once', `customer thanks at index ${at(en.convs, 'en-clean-late-parcel', 'thanks-1')} (answered “You are welcome!”) and again at index ${at(en.convs, 'en-clean-late-parcel', 'thanks-2')} (not answered — only the first thanks counts)`],
  [byKey(en.convs, 'en-clean-upgrade'), 'promised wait kept, customer wrote meanwhile', `A31 “Please hold for 1 minute” at index ${at(en.convs, 'en-clean-upgrade', 'wait-kept-notice')}; customer “ok” at index ${at(en.convs, 'en-clean-upgrade', 'wait-kept-customer')}; A31 back at index ${at(en.convs, 'en-clean-upgrade', 'wait-kept-return')}, ${t(en.convs, 'en-clean-upgrade', 'wait-kept-return') - t(en.convs, 'en-clean-upgrade', 'wait-kept-notice')} s after the notice (= 60 s + 10 s grace, in time) and ${t(en.convs, 'en-clean-upgrade', 'wait-kept-return') - t(en.convs, 'en-clean-upgrade', 'wait-kept-customer')} s after the customer's message — neither wait-with-time nor reply-within-60s`],
  [byKey(en.convs, 'en-clean-address'), 'silent customer asked before the close', `A2's silence starts at index ${at(en.convs, 'en-clean-address', 'silence-start')}; “Are you still there?” at index ${at(en.convs, 'en-clean-address', 'silence-prompt')}; close at index ${at(en.convs, 'en-clean-address', 'silence-close')} after ${t(en.convs, 'en-clean-address', 'silence-close') - t(en.convs, 'en-clean-address', 'silence-start')} s`],
])}

## broken/gbk-export.csv (once decoded as GBK)

${mdTable(VIOLATION_HEAD, gbk)}
`;
  write('README.md', readme);
  write('EXPECTED.md', expected);
}

// ---------------------------------------------------------------------------------------------

const n27 = night1127();
const n28 = night1128();
const one = oneChat();
const en = english();
const gbk = broken().expected;
docs(n27, n28, one, en, gbk);
for (const f of written) console.log(`wrote ${f}`);
