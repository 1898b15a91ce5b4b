#!/usr/bin/env node
/**
 * The `nativemesh` command as `npm run preview` / `npm run audit` start it: the compiled bundle (cli/build.js),
 * rebuilt first only if a source changed since it was built.
 */
"use strict";
const { ensureBuilt, ENTRIES } = require("./build.js");

ensureBuilt();
require(ENTRIES[0].out);
