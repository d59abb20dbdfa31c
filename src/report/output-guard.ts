import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { fieldForKey } from '../input/fields.js';

/**
 * Whether the file at `path` holds a chat export (its field names include a timestamp and a role)
 * rather than a chatlint report or nothing, so `-o` never overwrites an input.
 * Reports never carry a role field; a file that does not exist or cannot be read holds nothing.
 */
export function holdsChatExport(path: string): boolean {
  let head: string;
  try {
    if (!statSync(path).isFile()) return false;
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      head = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8').replace(/^\uFEFF/, '');
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  const names = new Set<string>();
  for (const match of head.matchAll(/"([^"\\\n]{1,60})"\s*:/g)) names.add(match[1] as string);
  for (const name of (head.split('\n', 1)[0] ?? '').split(/[,\t]/)) names.add(name.trim().replace(/^"|"$/g, ''));
  const fields = new Set([...names].map(fieldForKey));
  return fields.has('timestamp') && fields.has('role');
}
