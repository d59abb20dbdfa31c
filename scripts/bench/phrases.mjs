// Forbidden phrases for the benchmark: a few dozen written by hand (Chinese service taboos and a few
// English ones, which need word-boundary checks), then seeded combinations up to any count, so a rule with
// 50, 200 or 10,000 phrases can be run over the same export.
const WRITTEN = [
  '我不知道', '不归我管', '你自己看', '你听不懂吗', '说了多少遍', '没办法', '爱买不买', '找别人去', '我也没办法', '你问我我问谁',
  '这是规定', '不可能', '你怎么回事', '烦不烦', '急什么', '等着吧', '自己查', '随便你', '跟我没关系', '你到底想怎样',
  '听清楚了', '不是我的问题', '我说过了', '你懂不懂', '你去投诉吧', '我管不了', '系统就这样', '别问了', '有完没完', '快点说',
  'whatever', 'calm down', 'not my problem', 'read the manual', 'as I said', 'deal with it', 'no idea', 'too bad',
  '哎呀', '我晕', '天啊', '真是的', '怎么这样', '搞什么', '无语', '啥意思', '你确定', '不好说', '看情况', '再说吧',
];
const SYLLABLES = '怼嘁甭咋啥瞎烦懒滚呗嘛咯呦哼嗯噢唉哟拜托算了随便凑合反正其实就是那个这个然后所以但是不过';

export function benchPhrases(count) {
  const out = WRITTEN.slice(0, count);
  const seen = new Set(out);
  let s = 12345;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % SYLLABLES.length;
  while (out.length < count) {
    let phrase = '';
    const length = 3 + (next() % 3);
    for (let i = 0; i < length; i++) phrase += SYLLABLES[next()];
    if (!seen.has(phrase)) {
      seen.add(phrase);
      out.push(phrase);
    }
  }
  return out;
}
