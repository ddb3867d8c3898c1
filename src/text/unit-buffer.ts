/**
 * A growable buffer of UTF-16 code units, each optionally with the range of the original text it
 * came from. Normalisation writes its stages into these instead of strings: the hot loops then
 * store numbers into typed arrays, and only the final buffer becomes a string.
 *
 * Offsets cost two stores per unit at every stage, and only `explain` (and the title/body split)
 * reads them, so a buffer is made with or without them; writers check {@link withOffsets}.
 */
export class UnitBuffer {
  codes: Uint16Array;
  /** `start[i]`: original offset where unit `i` begins (only when {@link withOffsets}). */
  start: Int32Array;
  /** `end[i]`: original offset (exclusive) where unit `i` ends (only when {@link withOffsets}). */
  end: Int32Array;
  length = 0;

  constructor(
    capacity: number,
    readonly withOffsets: boolean,
  ) {
    const size = Math.max(16, capacity);
    this.codes = new Uint16Array(size);
    this.start = new Int32Array(withOffsets ? size : 0);
    this.end = new Int32Array(withOffsets ? size : 0);
  }

  /** Make room for `extra` more units after {@link length}, so writers may store without checks. */
  reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.codes.length) return;
    let size = this.codes.length * 2;
    while (size < needed) size *= 2;
    const codes = new Uint16Array(size);
    codes.set(this.codes.subarray(0, this.length));
    this.codes = codes;
    if (!this.withOffsets) return;
    const start = new Int32Array(size);
    start.set(this.start.subarray(0, this.length));
    const end = new Int32Array(size);
    end.set(this.end.subarray(0, this.length));
    this.start = start;
    this.end = end;
  }

  /** Append one unit (checked: for the rare paths; hot loops reserve once and store directly). */
  push(code: number, start: number, end: number): void {
    if (this.length === this.codes.length) this.reserve(1);
    const k = this.length++;
    this.codes[k] = code;
    if (this.withOffsets) {
      this.start[k] = start;
      this.end[k] = end;
    }
  }

  toText(): string {
    return codesToString(this.codes, this.length);
  }
}

/**
 * A string from the first `length` units of `codes`. Node's UTF-16 buffer decoding copies the
 * units as they are (lone surrogates included, which TextDecoder would replace) and is the fastest
 * way from a typed array to a string.
 */
export function codesToString(codes: Uint16Array, length: number): string {
  return Buffer.from(codes.buffer, codes.byteOffset, length * 2).toString('utf16le');
}

// Scratch for unitsOf: grown as needed, never shrunk (texts are synchronous and short-lived).
let unitBytes = Buffer.from(new ArrayBuffer(2048));
let unitView = new Uint16Array(unitBytes.buffer, 0, 1024);

/**
 * The UTF-16 code units of `text` in a typed array that the next call overwrites (read them at
 * once). One native copy; the hot loops then index an array instead of calling `charCodeAt`,
 * which is several times slower on sliced and concatenated strings (and no faster on flat ones).
 * Lone surrogates are copied as they are.
 */
export function unitsOf(text: string): Uint16Array {
  if (text.length > unitView.length) {
    unitBytes = Buffer.from(new ArrayBuffer(text.length * 4));
    unitView = new Uint16Array(unitBytes.buffer, 0, text.length * 2);
  }
  unitBytes.write(text, 0, 'utf16le');
  return unitView;
}
