/**
 * V8 flags the project runs with (bin/ocp-aggregator.js's shebang, the Containerfile's ENTRYPOINT, the bench's
 * engine children; a test keeps the three in step). They cannot be set from inside a running process.
 *
 * --max-semi-space-size=4 (MB): V8 otherwise lets the young generation grow to tens of MB per semi-space under
 * the engine's allocation rate, all of it resident. Measured with the engine alone (bench engine-child, Node
 * 24, 1m preset): peak RSS 395 MB → 290 MB at equal CPU seconds (3.9 → 3.6–3.9 s user); at 5m the old
 * generation dominates (396 MB with the flag).
 */
export const NODE_FLAGS: readonly string[] = ["--max-semi-space-size=4"];
