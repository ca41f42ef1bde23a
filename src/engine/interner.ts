/** Gives every distinct string a small integer id, so groups are keyed on integers. -1 stands for null. */
export class Interner {
  private readonly ids = new Map<string, number>();
  readonly strings: string[] = [];

  intern(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(text);
      this.ids.set(text, id);
    }
    return id;
  }

  /** The id of `text` if it was ever seen, else -2 (never a valid id, never null). */
  find(text: string): number {
    return this.ids.get(text) ?? -2;
  }

  text(id: number): string | null {
    return id < 0 ? null : this.strings[id];
  }

  get size(): number {
    return this.strings.length;
  }
}
