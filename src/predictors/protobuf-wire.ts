/**
 * The few pieces of the Protocol Buffers wire format that reading and rewriting an ONNX model's graph
 * needs: walking a message's fields, reading varints and strings, and writing length-delimited fields.
 * Reference: "Encoding", https://protobuf.dev/programming-guides/encoding/ (a message is a sequence of
 * fields, each a varint tag `field_number << 3 | wire_type` followed by its value: a varint (type 0),
 * 8 bytes (1), a varint length and that many bytes (2), or 4 bytes (5)).
 *
 * Errors are plain `Error`s naming the byte offset; callers turn them into typed errors that name the
 * file.
 */

/** Wire types: VARINT, I64, LEN, I32 (groups, types 3 and 4, are deprecated and not read). */
export type WireType = 0 | 1 | 2 | 5;

/** One field of a message, located in the bytes it was read from. */
export interface WireField {
  /** The field number. */
  field: number;
  wireType: WireType;
  /** Where the field starts (its tag) and ends, so that it can be copied as is. */
  start: number;
  end: number;
  /** For LEN fields, where the payload starts; for the others, where the value starts. */
  valueStart: number;
}

/** Reads the varint at `pos` as a bigint; returns it with the position after it. */
export function readVarint(bytes: Uint8Array, pos: number): [value: bigint, next: number] {
  let value = 0n;
  for (let shift = 0n, i = pos; i < bytes.length && shift < 70n; i++, shift += 7n) {
    const b = bytes[i];
    value |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [value, i + 1];
  }
  throw new Error(`truncated or overlong varint at byte ${pos}`);
}

/** Skips the varint at `pos`, returning the position after it (no bigint work: hot path). */
function skipVarint(bytes: Uint8Array, pos: number): number {
  for (let i = pos; i < bytes.length && i < pos + 10; i++) {
    if ((bytes[i] & 0x80) === 0) return i + 1;
  }
  throw new Error(`truncated or overlong varint at byte ${pos}`);
}

/** Reads a varint that must fit a safe integer (a tag, a length). */
function readSmallVarint(bytes: Uint8Array, pos: number): [value: number, next: number] {
  const [value, next] = readVarint(bytes, pos);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`varint at byte ${pos} is too large for a tag or a length`);
  return [Number(value), next];
}

/** The fields of the message in `bytes[start, end)`, in order. */
export function* fields(bytes: Uint8Array, start = 0, end = bytes.length): Generator<WireField> {
  let pos = start;
  while (pos < end) {
    const fieldStart = pos;
    const [tag, afterTag] = readSmallVarint(bytes, pos);
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field === 0) throw new Error(`field number 0 at byte ${fieldStart}`);
    let valueStart = afterTag;
    switch (wireType) {
      case 0:
        pos = skipVarint(bytes, afterTag);
        break;
      case 1:
        pos = afterTag + 8;
        break;
      case 5:
        pos = afterTag + 4;
        break;
      case 2: {
        const [length, payload] = readSmallVarint(bytes, afterTag);
        valueStart = payload;
        pos = payload + length;
        break;
      }
      default:
        throw new Error(`unsupported wire type ${wireType} at byte ${fieldStart}`);
    }
    if (pos > end) throw new Error(`field ${field} at byte ${fieldStart} runs past the end of its message (byte ${end})`);
    yield { field, wireType: wireType as WireType, start: fieldStart, end: pos, valueStart };
  }
}

/** The UTF-8 text of a LEN field. */
export function fieldString(bytes: Uint8Array, f: WireField): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + f.valueStart, f.end - f.valueStart).toString('utf8');
}

/**
 * The integers of a repeated int64 field occurrence: one varint (wire type 0), or a packed run of them
 * (wire type 2). Values are read as signed 64-bit integers.
 */
export function fieldInt64s(bytes: Uint8Array, f: WireField): bigint[] {
  if (f.wireType === 0) return [BigInt.asIntN(64, readVarint(bytes, f.valueStart)[0])];
  if (f.wireType !== 2) throw new Error(`field ${f.field} at byte ${f.start} has wire type ${f.wireType}; expected integers`);
  const out: bigint[] = [];
  for (let pos = f.valueStart; pos < f.end; ) {
    const [v, next] = readVarint(bytes, pos);
    out.push(BigInt.asIntN(64, v));
    pos = next;
  }
  return out;
}

/** Encodes a non-negative integer as a varint. */
export function encodeVarint(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** A LEN field: tag, length, payload. */
export function lenField(field: number, payload: Uint8Array): Uint8Array {
  return concatBytes([encodeVarint(field * 8 + 2), encodeVarint(payload.length), payload]);
}

/** A VARINT field holding a non-negative integer. */
export function varintField(field: number, value: number): Uint8Array {
  return concatBytes([encodeVarint(field * 8), encodeVarint(value)]);
}

/** A LEN field holding UTF-8 text. */
export function stringField(field: number, text: string): Uint8Array {
  return lenField(field, new Uint8Array(Buffer.from(text, 'utf8')));
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
