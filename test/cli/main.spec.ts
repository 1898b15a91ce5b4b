import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

function cli(args: string[]) {
    const r = spawnSync(process.execPath, ["--require", "tsx/cjs", path.join(ROOT, "cli", "main.ts"), ...args], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 60_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const oneLine = (r: { status: number | null; stdout: string; stderr: string }, expected: RegExp) => {
    assert.equal(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], expected);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
};

describe("cli: help everywhere, exit 0", () => {
    for (const args of [["--help"], ["-h"], ["help"], ["preview", "--help"], ["audit", "--help"]]) {
        it(`nativemesh ${args.join(" ")}`, () => {
            const r = cli(args);
            assert.equal(r.status, 0, r.stderr);
            assert.match(r.stdout, /usage: nativemesh/);
            if (args[0] !== "audit" && args[0] !== "preview") assert.match(r.stdout, /--policy-config FILE/);
        });
    }
    it("an unknown command is one line, exit 2", () => oneLine(cli(["previw"]), /unknown command 'previw'/));
});

describe("cli: --stack reads only stacks/", () => {
    for (const name of ["/../../etc/passwd", "../test/fixtures/stacks/Pulumi.existing", ".hidden", "a/b"]) {
        it(`refuses --stack ${JSON.stringify(name)}`, () =>
            oneLine(cli(["preview", "--stack", name]), /--stack .*not a stack name/));
    }
});
