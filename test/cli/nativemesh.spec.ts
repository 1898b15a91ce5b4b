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
