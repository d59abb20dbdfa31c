/**
 * The pieces EntryStore.printedPieces joins a report's list into, and the writer gives back once written:
 * apart from the store, so the report writer can give them back without loading it (and the report model).
 */

/** Bytes of a piece printedPieces gives (the report writer gathers a few into one write of about a megabyte). */
export const PIECE_BYTES = 256 * 1024;

/** Pieces given out, by the view given, to the buffer under it (a WeakMap: a piece never given back is collected). */
const piecesGiven = new WeakMap<Uint8Array, Buffer>();
/** Pieces given back, to fill again (a few: a writer gives each back as soon as it is written). */
const freePieces: Buffer[] = [];
const FREE_PIECES = 8;

export function pieceBuffer(size: number): Buffer {
  return size === PIECE_BYTES && freePieces.length > 0 ? (freePieces.pop() as Buffer) : Buffer.allocUnsafeSlow(size);
}

/**
 * Gives back a piece of printedPieces once it is written and nothing holds it (the report file's writer
 * does, after each write): it is filled again instead of left to the collector. Left, the pieces were a
 * report's worth of memory outside the heap that few collections ran to free while the lists were written
 * (they make almost no garbage on the heap), and peak RSS grew by ~10-20 MB at 100 MB. Anything else is
 * ignored.
 */
export function releasePiece(bytes: Uint8Array): void {
  const piece = piecesGiven.get(bytes);
  if (piece === undefined) return;
  piecesGiven.delete(bytes);
  if (freePieces.length < FREE_PIECES) freePieces.push(piece);
}

/** Notes a piece handed out (a view of the first bytes of `buffer`), for releasePiece. */
export function givePiece(view: Uint8Array, buffer: Buffer): void {
  piecesGiven.set(view, buffer);
}
