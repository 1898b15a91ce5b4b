import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { invocationDir, readTextFile } from "../../cli/inputFiles";
import { tempDir } from "../support/tempDir";

const ROOT = path.resolve(__dirname, "..", "..");

function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}) {
    const started = Date.now();
    const r = spawnSync(process.execPath, ["--require", "tsx/cjs", path.join(ROOT, "cli", "main.ts"), ...args], {
        cwd: options.cwd ?? ROOT,
        encoding: "utf8",
        timeout: 60_000,
        input: options.input ?? "",
        env: { ...process.env, ...options.env },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

describe("cli/inputFiles: only regular files are read", () => {
    it("refuses a FIFO and /dev/zero at once, in one line naming the file and what it is", () => {
        const dir = tempDir("fifo");
        const fifo = path.join(dir, "state.fifo");
        assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
        assert.throws(
            () => readTextFile(fifo, "state file"),
            /state\.fifo: the state file must be a regular file \(this is a FIFO\)/,
        );
        assert.throws(
            () => readTextFile("/dev/zero", "stack file"),
            /\/dev\/zero: the stack file must be a regular file \(this is a character device\)/,
        );
    });

    for (const [command, flag] of [
        ["audit", "--state"],
        ["preview", "--config"],
    ]) {
        it(`${command} ${flag} FIFO or /dev/zero: exit 2, one line, no hang`, () => {
            const dir = tempDir("fifo");
            const fifo = path.join(dir, "x.fifo");
            assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
            for (const file of [fifo, "/dev/zero"]) {
                const r = cli([command, flag, file]);
                assert.equal(r.status, 2, r.stderr);
                assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
                assert.match(r.stderr, /must be a regular file/);
            }
        });
    }

    it("a relative path is taken from where the user ran the command, also through our npm scripts", () => {
        const project = tempDir("invoked");
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: shop\nruntime: nodejs\n");
        fs.writeFileSync(path.join(project, "index.js"), "");
        const sub = path.join(project, "sub");
        fs.mkdirSync(sub);
        // Under `npm run preview` npm runs the script in the package root and keeps the user's folder in INIT_CWD.
        const ours = { npm_lifecycle_script: "node cli/nativemesh.js preview", INIT_CWD: sub };
        assert.equal(invocationDir(ours), sub);
        assert.equal(invocationDir({ npm_lifecycle_script: "nativemesh preview", INIT_CWD: sub }), sub);
        // Any other script (mocha under `npm test`, the e2e run) keeps its working directory.
        assert.equal(invocationDir({ npm_lifecycle_script: "mocha", INIT_CWD: sub }), process.cwd());
        fs.writeFileSync(path.join(sub, "mine.yaml"), "config:\n  nativemesh:cloud: nowhere\n");
        const r = cli(["preview", "--config", "mine.yaml"], { env: ours });
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, /^nativemesh: mine\.yaml: nativemesh:cloud: must be one of/);
    });
});
