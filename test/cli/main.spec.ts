import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { cli, oneLine } from "../support/cli";
import { tempDir } from "../support/tempDir";

const ROOT = path.resolve(__dirname, "../..");

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

function cliWith(args: string[], preload: string[] = [], input = "") {
    const r = spawnSync(
        process.execPath,
        [
            "--require",
            "tsx/cjs",
            ...preload.flatMap((p) => ["--require", p]),
            path.join(ROOT, "cli", "main.ts"),
            ...args,
        ],
        { cwd: ROOT, encoding: "utf8", timeout: 60_000, input, env: { ...process.env, NATIVEMESH_DEBUG: "" } },
    );
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("cli/main: version, help and exit codes", () => {
    it("--version prints the package's version", () => {
        const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
        for (const flag of ["--version", "-v"]) {
            const r = cliWith([flag]);
            assert.equal(r.status, 0, r.stderr);
            assert.equal(r.stdout, `nativemesh ${version}\n`);
        }
    });

    it("the top-level help lists every command's options, restart --json among them, and the exit codes", () => {
        const r = cliWith(["--help"]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /nativemesh restart --kubeconfig FILE .*\[--json\]/);
        assert.match(r.stdout, /nativemesh preview .*--example NAME.*--cwd DIR/);
        assert.match(
            r.stdout,
            /Exit codes: 0 clean; 1 a mandatory policy violation .*; 2 bad input.*; 3 an internal error/,
        );
    });

    it("an internal error exits 3, not 1 (a policy violation), in one line", () => {
        // A stand-in for a bug: the pack's evaluation throws a plain Error.
        const preload = path.join(tempDir("bug"), "bug.js");
        fs.writeFileSync(
            preload,
            [
                'const Module = require("node:module");',
                "const load = Module._load;",
                "Module._load = function (request, ...rest) {",
                '    if (request === "./policyVerdict") return { loadPackConfig: () => ({}), evaluateWithConfig: () => { throw new Error("a bug"); } };',
                "    return load.call(this, request, ...rest);",
                "};",
            ].join("\n"),
        );
        // One resource, so that the audit reaches the pack (a state with nothing to audit is bad input).
        const state = JSON.stringify({
            deployment: {
                resources: [
                    {
                        urn: "urn:pulumi:s::p::kubernetes:core/v1:Namespace::a",
                        type: "kubernetes:core/v1:Namespace",
                        inputs: { metadata: { name: "a" } },
                    },
                ],
            },
        });
        const r = cliWith(["audit", "--state", "-"], [preload], state);
        assert.equal(r.status, 3, r.stderr);
        assert.match(
            r.stderr,
            /^nativemesh: internal error: a bug \(NATIVEMESH_DEBUG=1 prints where; please report it\)\n$/,
        );
    });
});
