/**
 * Compiles the CLI once, so that `preview` and `audit` start as plain Node: no TypeScript compiler at run time
 * (issue 5). Two bundles of our own code, every package left to node_modules:
 *   dist/nativemesh.js  cli/main.ts and what it reaches (audit reaches no Pulumi SDK: it is required lazily);
 *   dist/program.js     index.ts, the Pulumi program the offline engine runs under the mocks;
 *   dist/lib.js         components/index.ts, the library other stacks import.
 * Both sit one level below the project root, as cli/*.ts do, so `path.resolve(__dirname, "..")` is the root
 * in either form. `node cli/build.js` builds; `npm ci` runs it through the `prepare` script; cli/nativemesh.js
 * rebuilds first when a source is newer than the bundle, so an edit is never run stale.
 * Plain JavaScript: it must run before anything is compiled.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const ENTRIES = [
    { source: path.join(ROOT, "cli", "main.ts"), out: path.join(DIST, "nativemesh.js") },
    { source: path.join(ROOT, "index.ts"), out: path.join(DIST, "program.js") },
    // The library entry other stacks import (package.json "main"; its types are components/index.ts): Node
    // cannot load .ts from node_modules, and Pulumi's ts-node leaves node_modules alone.
    { source: path.join(ROOT, "components", "index.ts"), out: path.join(DIST, "lib.js") },
];
const SOURCE_DIRS = ["cli", "components", "policy"].map((dir) => path.join(ROOT, dir));

/** Every file a bundle depends on: this script, index.ts and the .ts of the three source folders. */
function sources() {
    const found = [__filename, path.join(ROOT, "index.ts")];
    const walk = (dir) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            if (entry.name === "node_modules") continue;
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) walk(full);
            else if (entry.name.endsWith(".ts")) found.push(full);
        }
    };
    SOURCE_DIRS.forEach(walk);
    return found;
}

const mtime = (file) => {
    try {
        return fs.statSync(file).mtimeMs;
    } catch {
        return -1;
    }
};

/** true when a bundle is missing or older than a source (about 70 stat calls: a millisecond or two). */
function isStale() {
    const built = Math.min(...ENTRIES.map((e) => mtime(e.out)));
    if (built < 0) return true;
    return sources().some((file) => mtime(file) > built);
}

function build() {
    // esbuild comes with tsx (a dependency); loaded only here, never on the run path of a fresh bundle.
    const esbuild = require("esbuild");
    for (const { source, out } of ENTRIES) {
        esbuild.buildSync({
            entryPoints: [source],
            outfile: out,
            bundle: true,
            platform: "node",
            format: "cjs",
            // package.json "engines": node >= 20.
            target: "node20",
            packages: "external",
            sourcemap: true,
            logLevel: "warning",
        });
    }
}

function ensureBuilt() {
    if (isStale()) build();
}

module.exports = { build, ensureBuilt, isStale, DIST, ENTRIES };

if (require.main === module) build();
