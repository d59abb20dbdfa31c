import type { ReadEvent, Role } from '../../model/message.js';

/** What a product reader is told about the run. */
export interface ReaderContext {
  /** File path as given by the user (used in every SourceRef and skip). */
  file: string;
  /** IANA zone for wall-clock times without an offset. */
  timezone: string;
  /** Display names of the agents, for exports that do not say who is staff (WhatsApp). */
  agents: string[];
  /** The rule file's or --map file's `input.roles`, for exports whose senders are ids the user names (Telegram from_id). */
  roleOf?: ((value: string) => Role | undefined) | undefined;
}

/** What sniffing sees: the file name, its first 64 KiB of decoded text, and the parsed JSON when the file is JSON. */
export interface SniffSample {
  fileName: string;
  head: string;
  json?: unknown;
}

/**
 * A helpdesk product's export format. Product exports are small (API pages, transcripts, chat exports),
 * so they are read whole; the canonical JSONL/CSV readers stream.
 */
export interface ProductFormat {
  /** Name used by `--input-format`. */
  name: string;
  /** One line for the README's format table and `--help`. */
  description: string;
  /** What the reader needs: the parsed JSON document (`json`), or only the text (`text`: transcripts, CSV). */
  reads: 'json' | 'text';
  /** True only when the content is unambiguously this format. */
  sniff(sample: SniffSample): boolean;
  /** Every record becomes a message or a skip with a reason; never throws on bad content. */
  read(text: string, json: unknown, ctx: ReaderContext): Iterable<ReadEvent>;
}
