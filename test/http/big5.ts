/**
 * A Big5 encoder for tests. Node can decode Big5 (TextDecoder) but not encode it, so the table
 * is built by decoding every two-byte Big5 code and reversing the map. Standard Big5 leads
 * (0xA1–0xF9) are visited first so a character shared with the HKSCS range gets its usual code.
 */

let table: Map<string, number[]> | undefined;

function buildTable(): Map<string, number[]> {
  const map = new Map<string, number[]>();
  const decoder = new TextDecoder('big5');
  const leads: number[] = [];
  for (let b = 0xa1; b <= 0xf9; b++) leads.push(b);
  for (let b = 0x81; b <= 0xfe; b++) if (b < 0xa1 || b > 0xf9) leads.push(b);
  for (const lead of leads) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail > 0x7e && trail < 0xa1) continue;
      const ch = decoder.decode(Uint8Array.of(lead, trail));
      if (ch.length > 0 && ch !== '\uFFFD' && !map.has(ch)) map.set(ch, [lead, trail]);
    }
  }
  return map;
}

/** Encode text as Big5. ASCII passes through; any other unmapped character throws. */
export function encodeBig5(text: string): Buffer {
  table ??= buildTable();
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    const bytes = table.get(ch);
    if (!bytes) throw new Error(`not in Big5: ${ch}`);
    out.push(...bytes);
  }
  return Buffer.from(out);
}
