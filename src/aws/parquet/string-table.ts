/** Each distinct text read once, referred to by a small integer id (the readers' dictionary-coded strings). */
export class StringTable {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();

  intern(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(text);
      this.ids.set(text, id);
    }
    return id;
  }
}
