/**
 * `npm pack` / `npm publish` of the pack run this first (package.json "prepack"): it builds dist/index.js, the
 * only code the tarball ships, from the repository (cli/build.js --pack), and refuses to pack without it, so a
 * fresh clone never packs a tarball with no code in it.
 */
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const build = path.join(__dirname, "..", "cli", "build.js");
const bundle = path.join(__dirname, "dist", "index.js");
const built = fs.existsSync(build) && spawnSync(process.execPath, [build, "--pack"], { stdio: "inherit" }).status === 0;
if (!built || !fs.existsSync(bundle)) {
    process.stderr.write(
        "nativemesh-policy: dist/index.js could not be built, so nothing is packed: run `npm ci` in the repository " +
            "root first (the pack is built there by `node cli/build.js --pack`)\n",
    );
    process.exitCode = 1;
}
