import { CONDITION_LITERAL, CONDITION_VARIABLE } from './vocabulary';

/** Operators of the level-condition language and how they read in zh-TW. */
const OPERATOR_WORDS: Record<string, string> = {
  '>=': '≥',
  '<=': '≤',
  '==': '＝',
  '!=': '≠',
  '>': '＞',
  '<': '＜',
  and: '且',
  or: '或',
  not: '非',
  '&&': '且',
  '||': '或',
  '!': '非',
};

// Longest operators first so `>=` is not read as `>` then `=`.
// Runs of non-ASCII (a condition written in words, `連續失敗 ≥ 1 小時`) stay together.
const TOKEN = /\s*(?:(>=|<=|==|!=|&&|\|\||[<>!()])|(\d+(?:\.\d+)?%?)|([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)|("[^"]*"|'[^']*')|([^\x00-\x7f\s]+|\S))/gy;

/**
 * A level condition (`levels.L3.when`, e.g. `risk == high and mentions >= 3`) in words a PR lead
 * reads at a glance: `最高風險等級 ＝ 高 且 窗口內提及數 ≥ 3`.
 *
 * Display only: it never evaluates and never fails. Unknown names and characters are kept as
 * written, so the words can always be checked against the condition text shown beside them.
 * `topic.<id>` reads as 「主題「name」提及數」 (with the display name when `topicNames` has one) and
 * `topic.<id>.spikeRatio` as 「主題「name」聲量倍數」.
 */
export function describeCondition(text: string, topicNames: Record<string, string> = {}): string {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const [, op, num, ident, quoted, other] = m;
    if (op !== undefined) out.push(OPERATOR_WORDS[op] ?? op);
    else if (num !== undefined) out.push(num);
    else if (ident !== undefined) out.push(describeIdentifier(ident, topicNames));
    else if (quoted !== undefined) out.push(CONDITION_LITERAL[quoted.slice(1, -1)] ?? quoted.slice(1, -1));
    else if (other !== undefined) out.push(other);
    if (TOKEN.lastIndex >= text.length) break;
  }
  // Parentheses hug their contents; everything else is separated by one space.
  return out.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();
}

/** How the fields of `topic.<id>.<field>` read. */
const TOPIC_FIELD_WORDS: Record<string, string> = { spikeRatio: '聲量倍數', zScore: '偏離基準的標準差數', baseline: '基準提及數' };

function describeIdentifier(ident: string, topicNames: Record<string, string>): string {
  const lower = ident.toLowerCase();
  if (lower in OPERATOR_WORDS) return OPERATOR_WORDS[lower]!;
  if (ident in CONDITION_VARIABLE) return CONDITION_VARIABLE[ident]!;
  if (ident in CONDITION_LITERAL) return CONDITION_LITERAL[ident]!;
  // `topic.<id>` (the language's spelling) and `topics.<id>` (an older spelling in stored alerts).
  const topic = /^topics?\.([^.]+)(?:\.([A-Za-z]+))?$/.exec(ident);
  if (topic) {
    const name = `主題「${topicNames[topic[1]!] ?? topic[1]!}」`;
    const field = topic[2];
    if (field === undefined || field === 'mentions') return `${name}提及數`;
    return `${name}${TOPIC_FIELD_WORDS[field] ?? field}`;
  }
  return ident;
}
