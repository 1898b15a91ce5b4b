#!/usr/bin/env node
/**
 * The `nativemesh` command: the compiled bundle (cli/build.js). An installed copy runs what it ships; only a
 * development checkout rebuilds first, when a source changed since the bundle was built.
 */
"use strict";
const fs = require("node:fs");
const { ensureBuilt, ENTRIES } = require("./build.js");

ensureBuilt();
const bundle = ENTRIES[0].out;
if (!fs.existsSync(bundle)) {
    process.stderr.write(
        `nativemesh: ${bundle} is missing: this copy was never built (run \`npm run build\` in its folder)\n`,
    );
    process.exitCode = 2;
} else {
    require(bundle);
}
