import { createReadStream } from 'node:fs';

export interface Line {
  /** 1-based line number in the file. */
  readonly number: number;
  /** The line's bytes, without its line ending; never decoded here, so that bad UTF-8 reaches validation as it is. */
  readonly bytes: Buffer;
  /** Bytes of the file read so far, for progress. */
  readonly bytesRead: number;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The lines of a file as raw bytes, split at LF (a CR before it is dropped). A UTF-8 byte-order mark
 * at the very start of the file is dropped, as editors on Windows write one; anywhere else it stays,
 * and validation names it.
 */
export async function* readLines(path: string): AsyncGenerator<Line> {
  const input = createReadStream(path);
  let carry: Buffer = Buffer.alloc(0);
  let number = 0;
  let first = true;
  let bytesRead = 0;
  const line = (bytes: Buffer): Line => {
    number += 1;
    let body = bytes.at(-1) === 0x0d ? bytes.subarray(0, -1) : bytes;
    if (first) {
      first = false;
      if (body.subarray(0, 3).equals(BOM)) body = body.subarray(3);
    }
    return { number, bytes: body, bytesRead };
  };
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      let data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      for (let end = data.indexOf(0x0a); end >= 0; end = data.indexOf(0x0a)) {
        yield line(data.subarray(0, end));
        data = data.subarray(end + 1);
      }
      // Copied, so that the read chunk's memory is not held by a short tail.
      carry = Buffer.from(data);
    }
    if (carry.length > 0) yield line(carry);
  } finally {
    input.destroy();
  }
}

/** A line of nothing but spaces, tabs or CRs carries no message. */
export const isBlank = (bytes: Buffer): boolean => bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0d);
