/** Label texts as Koku's ingest writes them (Python json.dumps) and the operator's label syntax. */
import { describe, expect, it } from "vitest";
import { labelsToKokuJson, parseOperatorLabels, pythonJsonString } from "../../src/generate/labels.js";

describe("labelsToKokuJson", () => {
  it("uses Python's separators and keeps insertion order", () => {
    expect(labelsToKokuJson({ b: "1", a: "2" })).toBe('{"b": "1", "a": "2"}');
    expect(labelsToKokuJson({})).toBe("{}");
    expect(labelsToKokuJson(null)).toBeNull();
  });

  it("escapes like ensure_ascii: quotes, backslashes, controls, non-ASCII and astral characters", () => {
    expect(pythonJsonString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(pythonJsonString("tab\tnl\n\u0001")).toBe('"tab\\tnl\\n\\u0001"');
    expect(pythonJsonString("café")).toBe('"caf\\u00e9"');
    expect(pythonJsonString("🚀")).toBe('"\\ud83d\\ude80"');
    expect(pythonJsonString("\u007f")).toBe('"\u007f"');
    const text = labelsToKokuJson({ 'k"ey': "日本 \\ x" }) as string;
    expect(JSON.parse(text)).toEqual({ 'k"ey': "日本 \\ x" });
  });
});

describe("parseOperatorLabels", () => {
  it("drops every label_ from keys and skips parts without exactly one colon", () => {
    expect(parseOperatorLabels("label_app:web|label_env:prod")).toEqual({ app: "web", env: "prod" });
    expect(parseOperatorLabels("vc_label_key2:label_value2")).toEqual({ vc_key2: "label_value2" });
    expect(parseOperatorLabels("label_a:b:c|nocolon|label_ok:1")).toEqual({ ok: "1" });
    expect(parseOperatorLabels("")).toEqual({});
    expect(parseOperatorLabels(undefined)).toEqual({});
  });
});
