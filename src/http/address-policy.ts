import { isIP } from 'node:net';

/**
 * Which addresses a fetch may connect to (pure; the connector that applies it is
 * ./address-guard.ts). Connector URLs — and every redirect and detail page they lead to — must not
 * reach the machine itself, the office network or the cloud metadata service unless the operator
 * allow-listed them: a public address is always fine; anything else only when the URL's host name
 * or the address is on the allow-list.
 */

/** Why an address is not on the public internet (`public` when it is). */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'shared' | 'multicast' | 'reserved';

/** zh-TW words for each class, for error messages. */
export const ADDRESS_CLASS_WORDS: Record<Exclude<AddressClass, 'public'>, string> = {
  loopback: '本機迴路位址 (loopback)',
  private: '私有網路位址 (private)',
  'link-local': '鏈路本地位址 (link-local，含雲端 metadata 169.254.169.254)',
  unspecified: '未指定位址 (unspecified)',
  shared: '電信共用位址 (carrier-grade NAT)',
  multicast: '群播位址 (multicast)',
  reserved: '保留或文件用位址 (reserved)',
};

interface Range {
  v6: boolean;
  bytes: Uint8Array;
  prefix: number;
  cls: Exclude<AddressClass, 'public'>;
}

const V4_RANGES: Array<[string, number, Exclude<AddressClass, 'public'>]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const V6_RANGES: Array<[string, number, Exclude<AddressClass, 'public'>]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'reserved'],
  ['2001::', 32, 'reserved'],
  ['2001:db8::', 32, 'reserved'],
  ['fc00::', 7, 'private'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private'],
  ['ff00::', 8, 'multicast'],
];

const SPECIAL: Range[] = [
  ...V4_RANGES.map(([a, p, cls]) => ({ v6: false, bytes: ipBytes(a)!, prefix: p, cls })),
  ...V6_RANGES.map(([a, p, cls]) => ({ v6: true, bytes: ipBytes(a)!, prefix: p, cls })),
];

/**
 * The 4 or 16 bytes of an IP address literal (IPv6 may carry brackets, a zone id or a dotted
 * IPv4 tail); undefined for anything else.
 */
export function ipBytes(address: string): Uint8Array | undefined {
  let text = address.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const family = isIP(text);
  if (family === 4) return Uint8Array.from(text.split('.').map(Number));
  if (family !== 6) return undefined;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tail = text.slice(lastColon + 1).split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  if (tail.length === 4) out.set(tail, 12);
  return out;
}

/**
 * The IPv4 address an IPv6 address stands for, when it embeds one in a way that routes to it:
 * IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`) and
 * 6to4 (`2002:AABB:CCDD::`). Such an address is judged by its IPv4 address.
 */
function embeddedV4(b: Uint8Array): Uint8Array | undefined {
  const zeros = (from: number, to: number): boolean => b.subarray(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return b.slice(12);
  if (zeros(0, 12) && !(zeros(12, 15) && (b[15] === 0 || b[15] === 1))) return b.slice(12);
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return b.slice(12);
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6);
  return undefined;
}

function inRange(bytes: Uint8Array, range: { bytes: Uint8Array; prefix: number }): boolean {
  if (bytes.length !== range.bytes.length) return false;
  const full = range.prefix >> 3;
  for (let i = 0; i < full; i++) if (bytes[i] !== range.bytes[i]) return false;
  const bits = range.prefix & 7;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (bytes[full]! & mask) === (range.bytes[full]! & mask);
}

/** The address with any IPv4 it embeds taken out (what the address really reaches). */
function effectiveBytes(address: string): Uint8Array | undefined {
  const bytes = ipBytes(address);
  if (!bytes) return undefined;
  return bytes.length === 16 ? (embeddedV4(bytes) ?? bytes) : bytes;
}

/**
 * Whether an IP address is on the public internet, and if not, what it is. Anything that is not an
 * IP literal counts as `reserved` (refused).
 */
export function classifyAddress(address: string): AddressClass {
  const bytes = effectiveBytes(address);
  if (!bytes) return 'reserved';
  if (bytes.length === 4 && bytes.every((x) => x === 255)) return 'reserved';
  for (const r of SPECIAL) if (inRange(bytes, r)) return r.cls;
  return 'public';
}

/** The operator's exceptions: host names (exact, or `*.suffix`) and addresses or CIDR ranges. */
export interface PrivateAllowList {
  /** Lower-case names; a leading `*.` matches any subdomain (not the bare suffix). */
  readonly names: readonly string[];
  readonly ranges: ReadonlyArray<{ bytes: Uint8Array; prefix: number }>;
  /** The entries as written (for messages). */
  readonly written: readonly string[];
}

const HOST_NAME = /^(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/i;

/**
 * Why an allow-list entry is unusable (zh-TW, English in parentheses), or undefined when it is an
 * IP address, a CIDR range (`10.0.0.0/8`, `fd00::/8`) or a host name (`localhost`, `*.intra.example`).
 */
export function allowEntryProblem(entry: string): string | undefined {
  const text = entry.trim();
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const bytes = ipBytes(text.slice(0, slash));
    const prefix = Number(text.slice(slash + 1));
    if (!bytes || !/^\d{1,3}$/.test(text.slice(slash + 1)) || prefix > bytes.length * 8) return `「${entry}」不是有效的 CIDR 範圍，例如 10.0.0.0/8 (invalid CIDR range)`;
    return undefined;
  }
  if (ipBytes(text)) return undefined;
  if (!HOST_NAME.test(text)) return `「${entry}」不是 IP 位址、CIDR 範圍或主機名稱 (not an address, range or host name)`;
  return undefined;
}

/**
 * Compile allow-list entries.
 * @throws Error naming the first unusable entry (the config schema checks entries before this).
 */
export function parseAllowList(entries: readonly string[] = []): PrivateAllowList {
  const names: string[] = [];
  const ranges: Array<{ bytes: Uint8Array; prefix: number }> = [];
  for (const entry of entries) {
    const problem = allowEntryProblem(entry);
    if (problem) throw new Error(problem);
    const text = entry.trim();
    const slash = text.indexOf('/');
    const literal = slash >= 0 ? text.slice(0, slash) : text;
    const bytes = ipBytes(literal);
    if (bytes) {
      const v4 = bytes.length === 16 ? embeddedV4(bytes) : undefined;
      const prefix = slash >= 0 ? Number(text.slice(slash + 1)) : bytes.length * 8;
      // An IPv4-mapped range (::ffff:10.0.0.0/104) is the IPv4 range it maps.
      ranges.push(v4 && prefix >= 96 ? { bytes: v4, prefix: prefix - 96 } : { bytes, prefix });
    } else {
      names.push(text.toLowerCase().replace(/\.$/, ''));
    }
  }
  return { names, ranges, written: [...entries] };
}

function nameAllowed(hostname: string, allow: PrivateAllowList): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return allow.names.some((n) => (n.startsWith('*.') ? host.endsWith(n.slice(1)) : host === n));
}

/**
 * Whether a connection to `address`, reached through the URL host `hostname`, may be made: public
 * addresses always; others when the host name or the address is allow-listed.
 */
export function connectionAllowed(hostname: string, address: string, allow: PrivateAllowList): boolean {
  if (classifyAddress(address) === 'public') return true;
  if (nameAllowed(hostname, allow)) return true;
  const bytes = effectiveBytes(address);
  return bytes !== undefined && allow.ranges.some((r) => inRange(bytes, r));
}

/** A connection the guard refused. The HTTP client turns it into an HttpError E_HTTP_FORBIDDEN_ADDRESS. */
export class ForbiddenAddress extends Error {
  readonly code = 'E_HTTP_FORBIDDEN_ADDRESS';
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly addressClass: AddressClass,
  ) {
    super(`${hostname} → ${address}：${addressClass === 'public' ? '' : ADDRESS_CLASS_WORDS[addressClass]}，未列入允許清單 (address not allow-listed)`);
    this.name = 'ForbiddenAddress';
  }
}

/** The refusal for `address` reached as `hostname`, or undefined when it is allowed. */
export function checkConnection(hostname: string, address: string, allow: PrivateAllowList): ForbiddenAddress | undefined {
  return connectionAllowed(hostname, address, allow) ? undefined : new ForbiddenAddress(hostname, address, classifyAddress(address));
}
