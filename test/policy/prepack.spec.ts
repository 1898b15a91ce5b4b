import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "../support/tempDir";

const ROOT = path.resolve(__dirname, "..", "..");

/** The pack's folder as a fresh clone has it (no dist/), beside a stand-in for cli/build.js doing `build`. */
function cloneWithBuild(build: string): string {
    const repo = tempDir("policy-pack");
    fs.mkdirSync(path.join(repo, "policy"));
    fs.mkdirSync(path.join(repo, "cli"));
    for (const file of ["package.json", "PulumiPolicy.yaml", "prepack.js"]) {
        fs.copyFileSync(path.join(ROOT, "policy", file), path.join(repo, "policy", file));
    }
    fs.writeFileSync(path.join(repo, "cli", "build.js"), build);
    return path.join(repo, "policy");
}

const pack = (dir: string) =>
    spawnSync("npm", ["pack", "--json", "--pack-destination", dir], { cwd: dir, encoding: "utf8", timeout: 120_000 });

describe("policy/prepack: npm pack of the pack builds what it packs, or refuses", () => {
    it("refuses, exit non-zero and a line saying why, when the build leaves no dist/index.js", () => {
        const dir = cloneWithBuild("process.exitCode = 0;\n");
        const r = pack(dir);
        assert.notEqual(r.status, 0, r.stdout);
        assert.match(r.stderr, /nativemesh-policy: dist\/index\.js could not be built, so nothing is packed/);
        assert.deepEqual(
            fs.readdirSync(dir).filter((f) => f.endsWith(".tgz")),
            [],
        );
    });

    it("packs dist/index.js when the build (cli/build.js --pack) makes it", () => {
        const dir = cloneWithBuild(
            [
                'const fs = require("node:fs"), path = require("node:path");',
                'if (process.argv[2] !== "--pack") process.exit(1);',
                'fs.mkdirSync(path.join(__dirname, "..", "policy", "dist"), { recursive: true });',
                'fs.writeFileSync(path.join(__dirname, "..", "policy", "dist", "index.js"), "module.exports = {};\\n");',
                "",
            ].join("\n"),
        );
        const r = pack(dir);
        assert.equal(r.status, 0, r.stderr);
        const [{ files }] = JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>;
        assert.ok(
            files.some((f) => f.path === "dist/index.js"),
            JSON.stringify(files),
        );
    });
});
