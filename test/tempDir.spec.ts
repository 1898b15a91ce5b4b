import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const HELPER = path.join(__dirname, "support", "tempDir.ts");

/** Runs a child that makes two scratch folders (one with a file in it), prints them, then ends as `end` says. */
function child(end: string): { dirs: string[]; status: number | null; stderr: string } {
    const program = [
        `const { tempDir } = require(${JSON.stringify(HELPER)});`,
        `const fs = require("node:fs");`,
        `const a = tempDir("tempdir-spec"); const b = tempDir("tempdir-spec");`,
        `fs.mkdirSync(a + "/nested"); fs.writeFileSync(a + "/nested/file", "x");`,
        `console.log(JSON.stringify([a, b].map((d) => [d, fs.statSync(d).mode & 0o777])));`,
        end,
    ].join("\n");
    const run = spawnSync(process.execPath, ["--require", "tsx/cjs", "-e", program], { encoding: "utf8" });
    const made = JSON.parse(run.stdout.trim().split("\n")[0]) as Array<[string, number]>;
    for (const [, mode] of made) assert.equal(mode, 0o700, "a private folder");
    return { dirs: made.map(([dir]) => dir), status: run.status, stderr: run.stderr };
}

describe("test/support/tempDir: scratch folders of the specs are removed when the process ends", () => {
    const ends: Array<[string, string, number]> = [
        ["a normal exit", "", 0],
        ["process.exit(3)", "process.exit(3);", 3],
        ["an uncaught error", `throw new Error("boom");`, 1],
    ];
    for (const [name, end, status] of ends) {
        it(`${name}: both folders, with what is in them, are gone`, () => {
            const run = child(end);
            assert.equal(run.status, status, run.stderr);
            assert.equal(run.dirs.length, 2);
            assert.notEqual(run.dirs[0], run.dirs[1]);
            for (const dir of run.dirs) {
                assert.equal(path.dirname(dir), os.tmpdir());
                assert.match(path.basename(dir), /^nativemesh-tempdir-spec-\w{6}$/);
                assert.equal(fs.existsSync(dir), false, `${dir} left behind`);
            }
        });
    }
});
