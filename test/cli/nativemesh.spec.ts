import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "cli", "nativemesh.js");

describe("cli/nativemesh.js: the bin as a clone and an install have it", () => {
    it("is executable in the checkout and committed so (mode 100755), so installing from a clone leaves it clean", () => {
        assert.notEqual(fs.statSync(BIN).mode & 0o111, 0, "no run bit on cli/nativemesh.js");
        const index = spawnSync("git", ["ls-files", "-s", "cli/nativemesh.js"], { cwd: ROOT, encoding: "utf8" });
        // Outside a git checkout (an unpacked tarball) there is no index to ask.
        if (index.status === 0 && index.stdout !== "") assert.match(index.stdout, /^100755 /);
    });
});

describe("cli/nativemesh.js: the bundle it starts", () => {
    it("is ASCII only, so V8 keeps and scans it as one-byte text at every start", function () {
        // One non-ASCII character anywhere (a kept comment) makes the whole 400 KB source two-byte: about 10 million
        // more instructions to start `nativemesh audit` (valgrind --tool=callgrind, issue 20). esbuild escapes
        // what is in strings; a comment it keeps is copied as written.
        const bundle = path.join(ROOT, "dist", "nativemesh.js");
        if (!fs.existsSync(bundle)) this.skip(); // built by `npm ci` (prepare); a bare checkout has none
        const text = fs.readFileSync(bundle, "latin1");
        const at = text.search(/[^\x00-\x7f]/);
        assert.equal(at, -1, `non-ASCII in dist/nativemesh.js: ${JSON.stringify(text.slice(at - 60, at + 20))}`);
    });
});
