// The pack's entry constructs: policy/index.ts run the way `pulumi preview --policy-pack policy` runs it (the
// SDK's run-policy-pack, which type-checks with ts-node), in a child process because a PolicyPack starts a
// gRPC server and prints its port (@pulumi/policy server.js). And the rules load without the Pulumi SDK.

import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "../..");
const PACK = path.join(ROOT, "policy");

describe("policy pack", () => {
    it("has PulumiPolicy.yaml (nodejs) and a package.json with version and main", () => {
        const manifest = parse(fs.readFileSync(path.join(PACK, "PulumiPolicy.yaml"), "utf8")) as { runtime?: unknown };
        assert.equal(manifest.runtime, "nodejs");
        const pkg = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8")) as {
            version?: string;
            main?: string;
        };
        assert.match(pkg.version ?? "", /^\d+\.\d+\.\d+/);
        assert.ok(pkg.main && fs.existsSync(path.join(PACK, pkg.main)), "main names a file of the pack");
    });

    it("constructs under Pulumi's policy-pack runner and serves (prints its port)", async function () {
        this.timeout(120_000);
        const runner = path.join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-policy-pack");
        // The engine address is only dropped by the runner; nothing connects to it.
        const child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], {
            cwd: PACK,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        try {
            const outcome = await new Promise<string>((resolve) => {
                const timer = setTimeout(() => resolve("timeout"), 110_000);
                child.stdout.on("data", (chunk: Buffer) => {
                    stdout += chunk.toString();
                    if (/^\d+\s*$/m.test(stdout)) {
                        clearTimeout(timer);
                        resolve("serving");
                    }
                });
                child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
                child.on("exit", (code) => {
                    clearTimeout(timer);
                    resolve(`exited ${code}`);
                });
            });
            assert.equal(outcome, "serving", `stdout: ${stdout}\nstderr: ${stderr}`);
            assert.equal(stderr.trim(), "");
        } finally {
            child.kill();
        }
    });

    it("the audit path (cli/audit, policy/evaluate, every rule) loads no Pulumi package", () => {
        const probe =
            "require('./cli/audit'); require('./policy/evaluate');" +
            "const loaded = Object.keys(require.cache).filter((file) => /node_modules[\\\\/]@pulumi[\\\\/]/.test(file));" +
            "process.stdout.write(JSON.stringify(loaded));";
        const result = spawnSync(process.execPath, ["--require", "tsx/cjs", "-e", probe], {
            cwd: ROOT,
            encoding: "utf8",
        });
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(JSON.parse(result.stdout), []);
    });
});
