/**
 * The string and label-map caches of a run, shared by the engines of its day windows: a window only parses and
 * interns what is new.
 */
import type { ReferenceData, RunParams } from "../model.js";
import { Interner } from "./interner.js";
import { LabelCatalog } from "./labels.js";

/** Filtered label map id per label text id (-2 = not yet seen). */
export class FilteredTexts {
  filtered = new Int32Array(1024).fill(-2);

  grow(size: number): void {
    let cap = this.filtered.length;
    while (cap < size) cap *= 2;
    const grown = new Int32Array(cap).fill(-2);
    grown.set(this.filtered);
    this.filtered = grown;
  }
}

export interface EngineDictionary {
  interner: Interner;
  catalog: LabelCatalog;
  labelTexts: FilteredTexts;
}

export function createEngineDictionary(run: RunParams, reference: ReferenceData): EngineDictionary {
  return {
    interner: new Interner(),
    catalog: new LabelCatalog(run.kokuSql, reference.enabledTagKeys),
    labelTexts: new FilteredTexts(),
  };
}
