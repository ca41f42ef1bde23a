/**
 * Maps the UTF-8 bytes of a string value to its interned id without building a JS string for values seen
 * before: Parquet text that is PLAIN-encoded (writers fall back to it for high-cardinality columns such as pod
 * names and label texts) repeats across rows and row groups, and decoding + hashing a new string per row
 * dominated the read. Bytes are hashed, looked up in an open-addressing table and compared once.
 */
export class ByteStringIds {
  private slots = new Int32Array(1 << 12).fill(-1);
  private mask = (1 << 12) - 1;
  private offsets = new Int32Array(1024);
  private lengths = new Int32Array(1024);
  private hashes = new Int32Array(1024);
  private ids = new Int32Array(1024);
  private arena = new Uint8Array(1 << 16);
  private arenaUsed = 0;
  private count = 0;
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });

  constructor(private readonly intern: (text: string) => number) {}

  /** Id of the string in bytes[start, start+length). Throws on invalid UTF-8. */
  idOf(bytes: Uint8Array, start: number, length: number): number {
    // Hash at most the first 48 and last 16 bytes: long label texts differ early or late, and equal
    // hashes are confirmed byte by byte anyway.
    let h = 0x811c9dc5 | 0;
    const head = length < 64 ? length : 48;
    for (let i = 0; i < head; i++) h = Math.imul(h ^ bytes[start + i], 0x01000193);
    for (let i = Math.max(head, length - 16); i < length; i++)
      h = Math.imul(h ^ bytes[start + i], 0x01000193);
    h ^= length;
    let slot = (h ^ (h >>> 16)) & this.mask;
    for (;;) {
      const entry = this.slots[slot];
      if (entry < 0) break;
      if (
        this.hashes[entry] === h &&
        this.lengths[entry] === length &&
        this.sameBytes(entry, bytes, start, length)
      ) {
        return this.ids[entry];
      }
      slot = (slot + 1) & this.mask;
    }
    const text = this.decoder.decode(bytes.subarray(start, start + length));
    const id = this.intern(text);
    this.add(slot, h, bytes, start, length, id);
    return id;
  }

  private sameBytes(entry: number, bytes: Uint8Array, start: number, length: number): boolean {
    const arena = this.arena;
    const offset = this.offsets[entry];
    if (length < 32) {
      for (let i = 0; i < length; i++) if (arena[offset + i] !== bytes[start + i]) return false;
      return true;
    }
    // Long texts (label JSON): a native memcmp over the ranges, no views allocated.
    return asBuffer(arena).compare(bytes, start, start + length, offset, offset + length) === 0;
  }

  private add(slot: number, h: number, bytes: Uint8Array, start: number, length: number, id: number): void {
    const entry = this.count++;
    if (entry >= this.ids.length) {
      const n = this.ids.length * 2;
      this.offsets = growTo(this.offsets, n);
      this.lengths = growTo(this.lengths, n);
      this.hashes = growTo(this.hashes, n);
      this.ids = growTo(this.ids, n);
    }
    if (this.arenaUsed + length > this.arena.length) {
      let size = this.arena.length * 2;
      while (size < this.arenaUsed + length) size *= 2;
      const arena = new Uint8Array(size);
      arena.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = arena;
    }
    this.arena.set(bytes.subarray(start, start + length), this.arenaUsed);
    this.offsets[entry] = this.arenaUsed;
    this.lengths[entry] = length;
    this.hashes[entry] = h;
    this.ids[entry] = id;
    this.arenaUsed += length;
    this.slots[slot] = entry;
    if (this.count * 2 > this.mask) this.rehash();
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2;
    const slots = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let entry = 0; entry < this.count; entry++) {
      const h = this.hashes[entry];
      let slot = (h ^ (h >>> 16)) & mask;
      while (slots[slot] >= 0) slot = (slot + 1) & mask;
      slots[slot] = entry;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

const bufferViews = new WeakMap<Uint8Array, Buffer>();
/** A Buffer over the same memory (cached per array), for Buffer#compare's range arguments. */
function asBuffer(array: Uint8Array): Buffer {
  let view = bufferViews.get(array);
  if (!view) {
    view = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
    bufferViews.set(array, view);
  }
  return view;
}

function growTo(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(size);
  next.set(array);
  return next;
}
