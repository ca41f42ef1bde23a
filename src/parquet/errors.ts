/** A read failure that names where it happened: file, row group and column where known. */
export class ParquetReadError extends Error {
  constructor(
    readonly location: string,
    readonly rowGroup: number | null,
    readonly column: string | null,
    readonly detail: string,
    cause?: unknown,
  ) {
    const where = [
      location,
      rowGroup === null ? null : `row group ${rowGroup}`,
      column === null ? null : `column ${column}`,
    ]
      .filter(Boolean)
      .join(", ");
    super(`${where}: ${detail}`, cause === undefined ? undefined : { cause });
    this.name = "ParquetReadError";
  }
}

/** Error thrown for a chunk, carrying the column it came from (the reader adds file and row group). */
export class ChunkDecodeError extends Error {
  constructor(
    readonly column: string,
    message: string,
  ) {
    super(message);
  }
}
