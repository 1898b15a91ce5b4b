// Loaded by mocha before every spec: every fast-check property runs on one fixed seed, so CI is reproducible.
// FUZZ_SEED=<n> explores other inputs; fast-check prints the seed and path of any failure.
import fc from "fast-check";

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261123);
fc.configureGlobal({ seed: FUZZ_SEED });
