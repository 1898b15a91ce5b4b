/**
 * Loaded with --require into a measured command: at exit, writes every module file the process loaded
 * (require.cache) to the file named by NATIVEMESH_BENCH_MODULES, one per line. Shows what `audit` loads.
 */
"use strict";
const fs = require("node:fs");

const file = process.env.NATIVEMESH_BENCH_MODULES;
if (file) process.on("exit", () => fs.writeFileSync(file, `${Object.keys(require.cache).join("\n")}\n`));
