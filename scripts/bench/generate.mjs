// A seeded synthetic night's export for `npm run bench`: JSON Lines and its CSV twin (the same messages),
// conversations interleaved in time as queues write them, ~5% of agent messages with a violation
// (a forbidden phrase or an emotional punctuation run), ~6% of replies slower than 60 s, ~3% of
// greetings without the agent's id. Same seed and size => byte-identical files.
//
//   node scripts/bench/generate.mjs --out /tmp/night --size 100m [--seed 7] [--formats jsonl,csv]
import { createWriteStream } from 'node:fs';
import { benchPhrases } from './phrases.mjs';

export function parseSize(text) {
  const m = /^(\d+(?:\.\d+)?)\s*(k|m|g)?b?$/i.exec(String(text).trim());
  if (!m) throw new Error(`not a size: ${text} (try 100m or 1g)`);
  return Math.round(Number(m[1]) * { '': 1, k: 1e3, m: 1e6, g: 1e9 }[(m[2] ?? '').toLowerCase()]);
}

/** xorshift128+ reduced to 32 bits: small, fast, seeded. */
function prng(seed) {
  let a = seed >>> 0 || 1;
  let b = (seed * 2654435761) >>> 0 || 2;
  return () => {
    let t = a ^ (a << 11);
    a = b;
    b = (b ^ (b >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return b / 4294967296;
  };
}

const AGENTS = 120;
const NAMES = ['晓峰', '安琪', '小雨', '子涵', '思远', '一诺', '可欣', '浩然', '雨桐', '梓萱'];
const ITEMS = ['空气炸锅', '降噪耳机', '电动牙刷', '儿童手表', '保温杯', '投影仪', '净水器', '跑步鞋', 'Switch 手柄', '移动电源'];
const ASK = [
  '你好，{item}收到后一直充不进电', '请问{item}可以开发票吗？', '我的订单{order}怎么还没发货', '在吗', '{item}颜色和图片不一样，能换吗',
  '退款申请提交了{n}天了还没到账', '地址写错了，能改成公司地址吗', '这个{item}有没有赠品？', 'Hi, is the {item} waterproof?',
  '快递一直显示在中转站', '优惠券显示不可用是为什么', '有人吗？？', '能不能便宜一点', '包装破了，里面的{item}有划痕',
];
const FOLLOW = ['好的', '嗯', '那大概要多久', '谢谢', '订单号是{order}', '[图片]', '可以的', '还有别的办法吗', '明白了', 'OK'];
const ANSWER = [
  '已为您查询到订单{order}，预计明天送达，请您留意电话。', '非常抱歉给您带来不便，这边马上为您登记处理。', '{item}支持七天无理由退换，请保持包装完好。',
  '发票可以在订单详情里申请，电子发票{n}个工作日内发到邮箱。', '请您提供一下收货人手机号后四位，我帮您核实。', '已为您修改地址，请您核对一下。',
  '退款会原路退回，一般{n}到7个工作日到账。', '这张券需要满{n}00元才能使用哦。', 'The {item} is splash-proof, not for swimming.',
  '已为您催促仓库，今天之内安排发出。', '您说的情况我已经记录，稍后专员会联系您。', '可以的，新品预计后天发出。',
];
const WAIT = ['请您稍等{n}分钟，我为您查询一下。', '正在为您核实，请稍候。'];
const CLOSE = ['请问还有其他可以帮您的吗？', '感谢您的耐心，祝您生活愉快，再见！'];
const PUNCT = ['！！', '？？', '!!!', '。。。', '?!'];

/**
 * Writes the export; resolves to { messages, agentMessages, conversations, bytes } (bytes of the JSONL).
 * Conversations start every few seconds and run side by side; a heap keyed by each one's next message time
 * emits messages in time order, so only the conversations open at once are held in memory.
 */
export async function generate({ out, size, seed = 7, formats = ['jsonl', 'csv'] }) {
  const rnd = prng(seed);
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const phrases = benchPhrases(200);
  const agents = Array.from({ length: AGENTS }, (_, i) => ({ id: String(1000 + i * 7), name: NAMES[i % NAMES.length] }));
  const fill = (text, c) =>
    text.replace(/\{(\w+)\}/g, (_, key) => (key === 'item' ? c.item : key === 'order' ? c.order : String(int(2, 9))));
  const violate = (text) => {
    const r = rnd();
    if (r < 0.035) return int(0, 1) === 0 ? `${pick(phrases)}，${text}` : text.replace(/[。！？]?$/, `，${pick(phrases)}。`);
    if (r < 0.05) return text.replace(/[。！？.]?$/, pick(PUNCT));
    return text;
  };

  const jsonl = formats.includes('jsonl') ? createWriteStream(`${out}.jsonl`) : null;
  const csv = formats.includes('csv') ? createWriteStream(`${out}.csv`) : null;
  if (csv) csv.write('conversation_id,timestamp,role,agent_id,text\n');
  const write = async (stream, text) => {
    if (stream && !stream.write(text)) await new Promise((resolve) => stream.once('drain', resolve));
  };
  const csvField = (text) => (/[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  const stamp = (ms) => `${new Date(ms + 8 * 3600e3).toISOString().slice(0, 19)}+08:00`;

  // One open conversation: its script is produced lazily, message by message.
  const open = (start, number) => {
    const agent = pick(agents);
    const c = { id: `N${String(number).padStart(8, '0')}-${int(0, 0xffff).toString(16).padStart(4, '0')}`, agent, item: pick(ITEMS), order: `SO${int(10000000, 99999999)}`, at: start, left: int(8, 30), step: 0 };
    return c;
  };
  const nextMessage = (c) => {
    // customer asks, agent greets, then turns; the last agent message closes
    let role;
    let text;
    if (c.step === 0) [role, text] = ['customer', fill(pick(ASK), c)];
    else if (c.step === 1) {
      role = 'agent';
      text = rnd() < 0.97 ? `您好，这里是售后专线，云客服${c.agent.id}为您服务` : '您好，请问有什么可以帮您？';
    } else if (c.left <= 1) [role, text] = ['agent', pick(CLOSE)];
    else if (c.step % 2 === 0) [role, text] = ['customer', fill(rnd() < 0.3 ? pick(ASK) : pick(FOLLOW), c)];
    else [role, text] = ['agent', fill(rnd() < 0.1 ? pick(WAIT) : pick(ANSWER), c)];
    if (role === 'agent') text = violate(text);
    return { role, text };
  };
  const gapAfter = (role) => {
    if (role === 'customer') {
      const r = rnd();
      return (r < 0.06 ? int(61, 240) : r < 0.1 ? int(45, 60) : int(4, 40)) * 1000;
    }
    return int(10, 90) * 1000;
  };

  // A binary heap of open conversations by next message time (ties by number, so the order is total).
  const heap = [];
  const less = (x, y) => x.at < y.at || (x.at === y.at && x.id < y.id);
  const push = (c) => {
    heap.push(c);
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!less(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const pop = () => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  };

  let bytes = 0;
  let messages = 0;
  let agentMessages = 0;
  let started = 0;
  let nextStart = Date.UTC(2026, 10, 27, 0, 0, 0);
  let stopping = false;
  for (;;) {
    // Start conversations due before the next message, while the size is not reached.
    while (!stopping && (heap.length === 0 || nextStart <= heap[0].at)) {
      push(open(nextStart, ++started));
      nextStart += int(200, 3000);
    }
    if (heap.length === 0) break;
    const c = pop();
    const { role, text } = nextMessage(c);
    const record = { conversation_id: c.id, timestamp: stamp(c.at), role, ...(role === 'agent' ? { agent_id: c.agent.id } : {}), text };
    const line = `${JSON.stringify(record)}\n`;
    bytes += Buffer.byteLength(line);
    messages++;
    if (role === 'agent') agentMessages++;
    await write(jsonl, line);
    await write(csv, `${c.id},${record.timestamp},${role},${role === 'agent' ? c.agent.id : ''},${csvField(text)}\n`);
    if (bytes >= size) stopping = true;
    c.step++;
    c.left--;
    if (c.left > 0) {
      c.at += gapAfter(role);
      push(c);
    }
  }
  await Promise.all([jsonl, csv].filter(Boolean).map((s) => new Promise((resolve) => s.end(resolve))));
  return { messages, agentMessages, conversations: started, bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const result = await generate({ out: opt('out', '/tmp/chatlint-night'), size: parseSize(opt('size', '100m')), seed: Number(opt('seed', 7)), formats: opt('formats', 'jsonl,csv').split(',') });
  console.log(JSON.stringify(result));
}
