import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

function cli(args: string[], input = "") {
    const r = spawnSync(process.execPath, ["--require", "tsx/cjs", path.join(ROOT, "cli", "main.ts"), ...args], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 60_000,
        input,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("cli/audit: standard input and full help", () => {
    it("--state - reads the state from standard input", () => {
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
        const r = cli(["audit", "--state", "-", "--json"], state);
        assert.equal(r.status, 0, r.stderr);
        assert.equal((JSON.parse(r.stdout) as { resources: number }).resources, 1);
        assert.match(r.stderr, /Audited 1 resources from standard input \(stack export\)/);
    });

    it("--help prints every option, not only the usage line", () => {
        const r = cli(["audit", "--help"]);
        assert.equal(r.status, 0, r.stderr);
        for (const option of ["--state FILE", "--json", "--strict", "--policy-config FILE"]) {
            assert.match(r.stdout, new RegExp(`^  ${option.replace(/[-]/g, "\\-")}\\s`, "m"), option);
        }
        assert.match(r.stdout, /- reads it from standard input/);
    });
});
