import { textLines } from '../input/text-lines.js';
import type { PartialHead } from './aggregate.js';
import type { ConversationEntry } from './entry.js';
import type { EntryStore } from './entry-store.js';

/**
 * A partial report as a file (`check --shard`, read back by `merge`), written and read one conversation at a
 * time so that neither side holds a night's findings: JSON, laid out as
 *
 *     {"chatlintPartial":1,…,"conversations":[
 *     {…one conversation's entry…},
 *     {…}
 *     ],"waivers":[…]}
 *
 * (JSON.stringify never puts a raw newline inside a value). A file of another layout that parses as JSON is
 * read whole.
 */
const OPEN_LIST = '"conversations":[';
const CLOSE_LIST = '],"waivers":';

/** The file's text in pieces: the head (with any fields besides a partial report's), each entry of the store in report order, the waivers. */
export function* partialFileChunks(head: PartialHead, store: EntryStore): Generator<string> {
  const { waivers, ...rest } = head;
  const opening = JSON.stringify({ ...rest, conversations: [] });
  yield `${opening.slice(0, -2)}\n`;
  let first = true;
  for (const stored of store.entries('all')) {
    yield `${first ? '' : ',\n'}${JSON.stringify(stored.whole())}`;
    first = false;
  }
  yield `${first ? '' : '\n'}],${JSON.stringify({ waivers }).slice(1)}\n`;
}

/** Why a file is not a partial report (the caller names the file). */
export class NotPartialFile extends Error {}

/** A partial file's fields but its conversations, which went to `add` one by one in the file's order. */
export type ReadPartial = Record<string, unknown> & { conversations: [] };

function parsed(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new NotPartialFile(`not JSON (${what})`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields of a partial file before its conversations (its first line, all but the waivers), without reading further. */
export async function readPartialHead(path: string): Promise<ReadPartial> {
  const lines = textLines(path);
  try {
    const first = await lines.next();
    const line = first.done ? '' : first.value;
    if (line.endsWith(OPEN_LIST)) return headOf(line);
  } finally {
    await lines.return(undefined);
  }
  // Another layout: the whole file.
  const whole = await readPartialFile(path, () => undefined);
  return whole;
}

function headOf(line: string): ReadPartial {
  const head = parsed(`${line}]}`, 'its first line');
  if (!isObject(head)) throw new NotPartialFile('not a JSON object');
  return head as ReadPartial;
}

/** Reads a partial file, giving each conversation's entry to `add` in the file's order. */
export async function readPartialFile(path: string, add: (entry: ConversationEntry) => void): Promise<ReadPartial> {
  const lines = textLines(path);
  const first = await lines.next();
  const line = first.done ? '' : first.value;
  if (!line.endsWith(OPEN_LIST)) {
    // Another layout (or one line): parsed whole.
    const rest: string[] = [line];
    for await (const more of lines) rest.push(more);
    const value = parsed(rest.join('\n'), 'the whole file');
    if (!isObject(value) || !Array.isArray(value.conversations)) throw new NotPartialFile('no list of conversations');
    for (const entry of value.conversations as ConversationEntry[]) add(entry);
    return { ...value, conversations: [] };
  }
  const head = headOf(line);
  let n = 1;
  for await (const text of lines) {
    n++;
    if (text.startsWith(CLOSE_LIST)) {
      const tail = parsed(`{${text.slice(2)}`, `line ${n}`);
      if (!isObject(tail)) throw new NotPartialFile(`line ${n} does not close the report`);
      return { ...head, ...tail, conversations: [] };
    }
    const entry = parsed(text.endsWith(',') ? text.slice(0, -1) : text, `line ${n}`);
    if (!isObject(entry)) throw new NotPartialFile(`line ${n} is not a conversation`);
    add(entry as unknown as ConversationEntry);
  }
  throw new NotPartialFile('cut short: the file ends inside its list of conversations');
}
