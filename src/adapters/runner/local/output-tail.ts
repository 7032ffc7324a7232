/**
 * Keeps the last `limit` bytes of a stream. The end of a test run's output (the summary, the stack of
 * the failure) is what a person needs; the start is what gets dropped.
 */
export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    if (this.limit <= 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.limit && this.chunks.length > 1) {
      this.size -= (this.chunks.shift() as Buffer).length;
    }
  }

  toString(): string {
    const all = Buffer.concat(this.chunks, this.size);
    if (all.length <= this.limit) return all.toString('utf8');
    const bytes = all.subarray(all.length - this.limit);
    // The cut can land inside a multi-byte character; start at the next character boundary instead
    // of emitting a replacement character.
    let start = 0;
    while (start < bytes.length && start < 3 && ((bytes[start] as number) & 0xc0) === 0x80) start += 1;
    return bytes.subarray(start).toString('utf8');
  }
}
