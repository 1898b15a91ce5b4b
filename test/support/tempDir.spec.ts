import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const HELPER = path.join(__dirname, "tempDir.ts");
const NAME = /^nativemesh-tempdir-spec-\w{6}$/;

/** Asserts `dir` is one of the helper's folders: directly in the temp dir, private, named for its purpose. */
function assertScratch(dir: string, mode: number): void {
    assert.equal(path.dirname(dir), os.tmpdir());
    assert.match(path.basename(dir), NAME);
    assert.equal(mode & 0o777, 0o700, "a private folder");
}

/** Runs a plain node child that makes two scratch folders (one with a file in it), prints them, then ends as
 *  `end` says. Outside mocha, folders wait for the exit. */
function plainChild(end: string): { dirs: string[]; status: number | null; stderr: string } {
    const program = [
        `const { tempDir } = require(${JSON.stringify(HELPER)});`,
        `const fs = require("node:fs");`,
        `const a = tempDir("tempdir-spec"); const b = tempDir("tempdir-spec");`,
        `fs.mkdirSync(a + "/nested"); fs.writeFileSync(a + "/nested/file", "x");`,
        `console.log(JSON.stringify([a, b].map((d) => [d, fs.statSync(d).mode])));`,
        end,
    ].join("\n");
    const run = spawnSync(process.execPath, ["--require", "tsx/cjs", "-e", program], { encoding: "utf8" });
    const made = JSON.parse(run.stdout.trim().split("\n")[0]) as Array<[string, number]>;
    for (const [dir, mode] of made) assertScratch(dir, mode);
    return { dirs: made.map(([dir]) => dir), status: run.status, stderr: run.stderr };
}

describe("test/support/tempDir: folders made outside a test are removed when the process ends", () => {
    const ends: Array<[string, string, number]> = [
        ["a normal exit", "", 0],
        ["process.exit(3)", "process.exit(3);", 3],
        ["an uncaught error", `throw new Error("boom");`, 1],
    ];
    for (const [name, end, status] of ends) {
        it(`${name}: both folders, with what is in them, are gone`, () => {
            const run = plainChild(end);
            assert.equal(run.status, status, run.stderr);
            assert.equal(run.dirs.length, 2);
            assert.notEqual(run.dirs[0], run.dirs[1]);
            for (const dir of run.dirs) assert.equal(fs.existsSync(dir), false, `${dir} left behind`);
        });
    }
});

describe("test/support/tempDir: under mocha, a folder made in a test is removed when that test ends", () => {
    it("gone before the next test (also after a failing one), while a folder made at load lives until the exit", () => {
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-tempdir-work-"));
        try {
            const log = path.join(work, "log.json");
            // A spec of its own, run by a real mocha: it records what existed when, as JSON lines.
            const spec = path.join(work, "probe.spec.js");
            fs.writeFileSync(
                spec,
                [
                    `const fs = require("node:fs");`,
                    `const { tempDir } = require(${JSON.stringify(HELPER)});`,
                    `const note = (o) => fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(o) + "\\n");`,
                    `const atLoad = tempDir("tempdir-spec");`,
                    `let inFailing, inPassing;`,
                    `describe("probe", () => {`,
                    `  it("fails after making a folder", () => { inFailing = tempDir("tempdir-spec");`,
                    `    fs.writeFileSync(inFailing + "/f", "x"); throw new Error("on purpose"); });`,
                    `  it("makes a folder", () => { inPassing = tempDir("tempdir-spec");`,
                    `    note({ step: "second", failing: fs.existsSync(inFailing), atLoad: fs.existsSync(atLoad) }); });`,
                    `  it("runs last", () => note({ step: "third", passing: fs.existsSync(inPassing),`,
                    `    dirs: [atLoad, inFailing, inPassing] }));`,
                    `});`,
                ].join("\n"),
            );
            const run = spawnSync(
                process.execPath,
                [path.join(ROOT, "node_modules", "mocha", "bin", "mocha.js"), "--no-config", "-r", "tsx/cjs", spec],
                { cwd: ROOT, encoding: "utf8" },
            );
            assert.equal(run.status, 1, `exactly the one failing test: ${run.stdout}${run.stderr}`);
            const [second, third] = fs
                .readFileSync(log, "utf8")
                .trim()
                .split("\n")
                .map((line) => JSON.parse(line) as Record<string, unknown>);
            assert.deepEqual(second, { step: "second", failing: false, atLoad: true });
            assert.equal(third.passing, false);
            for (const dir of third.dirs as string[]) {
                assert.match(path.basename(dir), NAME);
                assert.equal(fs.existsSync(dir), false, `${dir} left behind after mocha exited`);
            }
        } finally {
            fs.rmSync(work, { recursive: true, force: true });
        }
    });
});
