/**
 * Peak memory where /usr/bin/time is missing: loaded into every Node process of a measured command with
 * NODE_OPTIONS=--require, it appends the process's peak resident set (kB, process.resourceUsage().maxRSS)
 * to the file named by NATIVEMESH_BENCH_RSS. The runner takes the largest line.
 */
"use strict";
const fs = require("node:fs");

const file = process.env.NATIVEMESH_BENCH_RSS;
if (file) process.on("exit", () => fs.appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
