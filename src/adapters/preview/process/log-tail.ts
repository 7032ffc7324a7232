import { open } from 'node:fs/promises';

/** Bytes read from the end of the log: plenty for 30 lines without reading a large log whole. */
const TAIL_BYTES = 64 * 1024;

/** The last `lines` lines of a log file; [] when it does not exist yet. */
export async function readLogTail(path: string, lines = 30): Promise<string[]> {
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return [];
  }
  try {
    const { size } = await file.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    await file.read(buf, 0, buf.length, start);
    const text = buf.toString('utf8').replace(/\r\n/g, '\n').replace(/\n+$/, '');
    if (text === '') return [];
    const all = text.split('\n');
    // A partial first line (cut by the byte window) is dropped rather than shown half.
    if (start > 0) all.shift();
    return all.slice(-lines);
  } finally {
    await file.close();
  }
}
