// `audit --state FILE [--json] [--policy-config FILE]` on hand-written `pulumi stack export` and
// `pulumi preview --json` files (test/fixtures/audit), with secrets, odd shapes and bad files.

import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadState, runAudit } from "../../cli/audit";
import { runPreview } from "../../cli/preview";
import { shippedStackArgs } from "../support/standInCharts";

const ROOT = path.resolve(__dirname, "../..");
const FIXTURES = path.join(__dirname, "..", "fixtures", "audit");
const fixture = (name: string): string => path.join(FIXTURES, name);

interface Outcome {
    code: number;
    stdout: string;
    stderr: string;
}

async function audit(...argv: string[]): Promise<Outcome> {
    let stdout = "";
    let stderr = "";
    const code = await runAudit(argv, {
        stdout: { write: (chunk: string) => (stdout += chunk) },
        stderr: { write: (chunk: string) => (stderr += chunk) },
    });
    return { code, stdout, stderr };
}

interface AuditJson {
    resources: number;
    violations: Array<{ policy: string; enforcementLevel: string; urn: string; message: string }>;
}

/** stdout must be exactly one JSON object with exactly the contract's keys. */
function parseJson(stdout: string): AuditJson {
    assert.equal(stdout.trim().split("\n").length, 1, "stdout holds more than one line");
    const value = JSON.parse(stdout) as AuditJson;
    assert.deepEqual(Object.keys(value).sort(), ["resources", "violations"]);
    for (const violation of value.violations) {
        assert.deepEqual(Object.keys(violation).sort(), ["enforcementLevel", "message", "policy", "urn"]);
    }
    return value;
}

const summary = (json: AuditJson): string[] =>
    json.violations.map((v) => `${v.enforcementLevel} ${v.policy} ${v.urn.split("::").pop()}`).sort();

describe("audit", () => {
    describe("stack exports", () => {
        it("a correct stack: exit 0, no violation, providers and the Stack not counted", async () => {
            const { code, stdout } = await audit("--state", fixture("export-pass.json"), "--json");
            assert.equal(code, 0);
            const json = parseJson(stdout);
            assert.equal(json.resources, 7);
            assert.deepEqual(json.violations, []);
        });

        it("a broken stack: exit 1 and the violations, each key from the inputs falling back to the outputs, skipping deleted entries", async () => {
            const { code, stdout } = await audit("--state", fixture("export-fail.json"), "--json");
            assert.equal(code, 1);
            const json = parseJson(stdout);
            assert.equal(json.resources, 4);
            assert.deepEqual(summary(json), [
                // No no-legacy-sidecar-workarounds advice: native sidecars are not on in this stack.
                "mandatory jobs-terminate-with-native-sidecars db-migrate",
                "mandatory kubernetes-version-supports-native-sidecars primary",
                "mandatory kubernetes-version-supports-native-sidecars primary", // nodeVersion: only in the outputs
                "mandatory namespace-injection-labels payments", // read from outputs: inputs are {}
                "mandatory no-managed-control-plane mesh-membership",
                "mandatory no-managed-control-plane payments",
            ]);
            assert.ok(!stdout.includes("old-pool"), "an entry marked delete was evaluated");
        });

        it("secrets are cannot tell: advisory only, exit 0", async () => {
            const { code, stdout } = await audit("--state", fixture("export-secrets.json"), "--json");
            assert.equal(code, 0);
            const json = parseJson(stdout);
            assert.ok(json.violations.length >= 4);
            assert.ok(
                json.violations.every((v) => v.enforcementLevel === "advisory" && /cannot tell/.test(v.message)),
                stdout,
            );
        });

        it("nothing to audit is not a pass: exit 2, one line naming the file and what was expected", async () => {
            for (const file of ["export-empty-stack.json", "export-only-stack-and-providers.json"]) {
                const { code, stdout, stderr } = await audit("--state", fixture(file), "--json");
                assert.equal(code, 2, file);
                assert.equal(stdout, "");
                assert.equal(stderr.split("\n").filter(Boolean).length, 1, stderr);
                assert.match(
                    stderr,
                    new RegExp(
                        `${file.replace(/\./g, "\\.")}: no resource to audit in this stack export output; expected entries with a urn and a type other than the Stack and providers`,
                    ),
                );
            }
        });

        it("entries none of which can be read: exit 2, saying how many were skipped", async () => {
            const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-audit-")), "state.json");
            fs.writeFileSync(file, JSON.stringify({ deployment: { resources: [{}, 5, { urn: 7 }] } }));
            const { code, stderr } = await audit("--state", file);
            assert.equal(code, 2);
            assert.match(
                stderr,
                /no resource to audit in this stack export output \(3 entries without a readable urn and type\)/,
            );
            fs.rmSync(path.dirname(file), { recursive: true, force: true });
        });

        it("odd shapes: unreadable entries are skipped and counted on stderr, the rest evaluated (type from the URN)", async () => {
            const { code, stdout, stderr } = await audit("--state", fixture("odd-shapes.json"), "--json");
            assert.equal(code, 1);
            const json = parseJson(stdout);
            assert.equal(json.resources, 6);
            assert.ok(summary(json).includes("mandatory namespace-injection-labels type-from-urn"), stdout);
            assert.ok(json.violations.every((v) => !v.message.startsWith("could not evaluate")));
            assert.match(stderr, /skipped 7 entries/);
        });
    });

    describe("preview files", () => {
        it("steps[].newState of a correct plan: exit 0; unknown values only advisory; delete steps skipped", async () => {
            const { code, stdout } = await audit("--state", fixture("preview-pass.json"), "--json");
            assert.equal(code, 0);
            const json = parseJson(stdout);
            assert.equal(json.resources, 3);
            assert.deepEqual(summary(json), ["advisory kubernetes-version-supports-native-sidecars gke"]);
        });

        it("a failing plan: exit 1, a replaced resource counted once", async () => {
            const { code, stdout } = await audit("--state", fixture("preview-fail.json"), "--json");
            assert.equal(code, 1);
            const json = parseJson(stdout);
            assert.equal(json.resources, 3);
            assert.deepEqual(summary(json), [
                "mandatory formance-settings-valid neg",
                "mandatory native-sidecar-annotation ledger",
                "mandatory native-sidecars-enabled istiod",
            ]);
        });
    });

    describe("report and policy config", () => {
        it("without --json: a report grouped by policy with the verdict", async () => {
            const { code, stdout } = await audit("--state", fixture("export-fail.json"));
            assert.equal(code, 1);
            assert.match(stdout, /^Policies: 6 violations \(6 mandatory, 0 advisory\) over 4 resources\./);
            assert.match(stdout, /\nno-managed-control-plane \(2\)\n {2}\[mandatory\] mesh-membership/);
            assert.match(stdout, /Verdict: FAIL: 6 mandatory violations/);
        });

        it('--policy-config {"all": "advisory"} turns the verdict to exit 0', async () => {
            const { code, stdout } = await audit(
                "--state",
                fixture("export-fail.json"),
                "--json",
                "--policy-config",
                fixture("policy-all-advisory.json"),
            );
            assert.equal(code, 0);
            assert.ok(parseJson(stdout).violations.every((v) => v.enforcementLevel === "advisory"));
        });

        it("--policy-config thresholds and disabled policies apply", async () => {
            const { stdout } = await audit(
                "--state",
                fixture("export-fail.json"),
                "--json",
                "--policy-config",
                fixture("policy-tuned.json"),
            );
            const policies = parseJson(stdout).violations.map((v) => v.policy);
            assert.ok(!policies.includes("no-managed-control-plane"));
            assert.ok(
                !policies.includes("kubernetes-version-supports-native-sidecars"),
                "gkeMinVersion 1.28 should accept 1.28.15",
            );
        });
    });

    describe("bad input: exit 2, one stderr line naming the file, nothing on stdout", () => {
        const cases: Array<[string, string[], RegExp]> = [
            [
                "a missing file",
                ["--state", fixture("no-such-file.json")],
                /no-such-file\.json: cannot read the state file \(no such file\)/,
            ],
            ["an empty file", ["--state", fixture("empty.json")], /empty\.json: the state file is empty/],
            ["a blank file", ["--state", fixture("blank.json")], /blank\.json: the state file is empty/],
            [
                "a file that is not JSON",
                ["--state", fixture("not-json.json")],
                /not-json\.json: the state file is not JSON/,
            ],
            [
                "JSON of neither format",
                ["--state", fixture("neither.json")],
                /neither\.json: neither `pulumi stack export` output/,
            ],
            ["a JSON array", ["--state", fixture("array.json")], /array\.json: neither/],
            [
                "deployment.resources not a list",
                ["--state", fixture("resources-not-list.json")],
                /resources-not-list\.json: deployment\.resources is not a list/,
            ],
            ["a directory", ["--state", FIXTURES], /cannot read the state file \(is a directory\)/],
            [
                "a policy config that is not JSON",
                ["--state", fixture("export-pass.json"), "--policy-config", fixture("policy-not-json.json")],
                /policy-not-json\.json: the policy config is not JSON/,
            ],
            [
                "a policy config naming an unknown policy",
                ["--state", fixture("export-pass.json"), "--policy-config", fixture("policy-unknown.json")],
                /policy-unknown\.json: policy config: unknown policy "no-such-policy"/,
            ],
            ["no --state", ["--json"], /--state is required/],
            ["an unknown argument", ["--state", fixture("export-pass.json"), "--yaml"], /unknown argument '--yaml'/],
            ["--state without a value", ["--state"], /--state needs a file/],
        ];
        for (const [what, argv, message] of cases) {
            it(what, async () => {
                const { code, stdout, stderr } = await audit(...argv, "--json");
                assert.equal(code, 2);
                assert.equal(stdout, "");
                assert.equal(stderr.split("\n").filter(Boolean).length, 1, stderr);
                assert.match(stderr, message);
            });
        }
    });

    it("never throws on random JSON documents: exit 0, 1 or 2", async function () {
        this.timeout(60_000);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-audit-"));
        try {
            const file = path.join(dir, "state.json");
            const state = fc.oneof(
                fc.jsonValue(),
                fc.record({
                    version: fc.constant(3),
                    deployment: fc.record({ resources: fc.array(fc.jsonValue(), { maxLength: 5 }) }),
                }),
                fc.record({
                    steps: fc.array(fc.record({ op: fc.string(), urn: fc.string(), newState: fc.jsonValue() }), {
                        maxLength: 5,
                    }),
                }),
            );
            await fc.assert(
                fc.asyncProperty(state, async (document) => {
                    fs.writeFileSync(file, JSON.stringify(document));
                    const { code, stdout } = await audit("--state", file, "--json");
                    assert.ok([0, 1, 2].includes(code));
                    if (code !== 2) parseJson(stdout);
                }),
                { numRuns: 200 },
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    describe("--strict through the command line: a Command that turns native sidecars off is refused", () => {
        const cli = (...argv: string[]) =>
            spawnSync(process.execPath, ["--require", "tsx/cjs", "cli/main.ts", "audit", ...argv], {
                cwd: ROOT,
                encoding: "utf8",
            });
        const cases: Array<[string, string, number]> = [
            [
                "istioctl install --set values.pilot.env.ENABLE_NATIVE_SIDECARS=false",
                "export-istioctl-native-off.json",
                1,
            ],
            [
                "helm upgrade istiod istio/istiod --set pilot.env.ENABLE_NATIVE_SIDECARS=false",
                "export-helm-native-off.json",
                1,
            ],
            [
                "helm upgrade istiod istio/istiod --version 1.28.1 --set pilot.env.ENABLE_NATIVE_SIDECARS=true",
                "export-helm-native-on.json",
                0,
            ],
        ];
        for (const [line, file, status] of cases) {
            it(`${line}: exit ${status}`, function () {
                this.timeout(60_000);
                const result = cli("--strict", "--state", fixture(file), "--json");
                assert.equal(result.status, status, result.stderr + result.stdout);
                const json = parseJson(result.stdout);
                assert.equal(json.resources, 1);
                const refusals = json.violations.filter((v) => v.policy === "native-sidecars-enabled");
                if (status === 0) assert.deepEqual(refusals, []);
                else {
                    assert.ok(
                        refusals.some(
                            (v) =>
                                v.enforcementLevel === "mandatory" &&
                                /ENABLE_NATIVE_SIDECARS is false/.test(v.message) &&
                                !/cannot tell/.test(v.message),
                        ),
                        result.stdout,
                    );
                }
            });
        }
    });

    describe("audit and preview count the same plan alike", () => {
        for (const stack of ["dev", "local", "gke-asm"]) {
            it(`stack ${stack}: audit of \`preview --json\` counts and judges what preview does`, async function () {
                this.timeout(120_000);
                const run = async (argv: string[]) => {
                    let stdout = "";
                    await runPreview(argv, {
                        stdout: { write: (c: string) => (stdout += c) },
                        stderr: { write: () => true },
                    });
                    return stdout;
                };
                const report = await run([...shippedStackArgs(stack), "--strict"]);
                const counted = /over (\d+) resources?\./.exec(report)?.[1];
                assert.ok(counted, report);
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-audit-"));
                try {
                    const file = path.join(dir, "plan.json");
                    const planJson = await run([...shippedStackArgs(stack), "--strict", "--json"]);
                    fs.writeFileSync(file, planJson);
                    const { stdout } = await audit("--state", file, "--json", "--strict");
                    const json = parseJson(stdout);
                    assert.equal(json.resources, Number(counted));
                    assert.deepEqual(json.violations, (JSON.parse(planJson) as AuditJson).violations);
                } finally {
                    fs.rmSync(dir, { recursive: true, force: true });
                }
            });
        }
    });

    it("through the command line (cli/main.ts audit): same contract", function () {
        this.timeout(60_000);
        const result = spawnSync(
            process.execPath,
            ["--require", "tsx/cjs", "cli/main.ts", "audit", "--state", fixture("export-fail.json"), "--json"],
            {
                cwd: ROOT,
                encoding: "utf8",
            },
        );
        assert.equal(result.status, 1, result.stderr);
        assert.equal(parseJson(result.stdout).resources, 4);
        const bad = spawnSync(
            process.execPath,
            ["--require", "tsx/cjs", "cli/main.ts", "audit", "--state", fixture("neither.json")],
            { cwd: ROOT, encoding: "utf8" },
        );
        assert.equal(bad.status, 2);
        assert.equal(bad.stdout, "");
        assert.match(bad.stderr.trim(), /^nativemesh audit: .*neither\.json: neither/);
    });
});

function cliWithInput(args: string[], input = "") {
    const r = spawnSync(process.execPath, ["--require", "tsx/cjs", path.join(ROOT, "cli", "main.ts"), ...args], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 60_000,
        input,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("cli/audit: loadState names each resource from its URN", () => {
    const names = (urns: string[]): string[] => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-audit-names-"));
        try {
            const file = path.join(dir, "state.json");
            const resources = urns.map((urn) => ({ urn, type: "kubernetes:core/v1:Namespace", inputs: {} }));
            fs.writeFileSync(file, JSON.stringify({ deployment: { resources } }));
            return loadState(file).resources.map((resource) => resource.name);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    };

    it("takes what follows the type, a name holding :: or ::: included", () => {
        assert.deepEqual(
            names([
                "urn:pulumi:s::p::kubernetes:core/v1:Namespace::a",
                "urn:pulumi:s::p::parent$kubernetes:core/v1:Namespace::b::c",
                "urn:pulumi:s::p::kubernetes:core/v1:Namespace:::d",
                "urn:pulumi:s::p::kubernetes:core/v1:Namespace::",
            ]),
            ["a", "b::c", ":d", ""],
        );
    });

    it("keeps a URN of fewer than four parts whole", () => {
        assert.deepEqual(names(["urn:pulumi:s::p::x", "no separator", "a::::b"]), [
            "urn:pulumi:s::p::x",
            "no separator",
            "a::::b",
        ]);
    });
});

describe("cli/audit: loadState keeps the file's order", () => {
    const load = (resources: unknown[]) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-audit-order-"));
        try {
            const file = path.join(dir, "state.json");
            fs.writeFileSync(file, JSON.stringify({ deployment: { resources } }));
            return loadState(file);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    };
    const namespace = (name: string, label: string) => ({
        urn: `urn:pulumi:s::p::kubernetes:core/v1:Namespace::${name}`,
        type: "kubernetes:core/v1:Namespace",
        inputs: { metadata: { labels: { which: label } } },
    });

    it("lists resources as the file does, the first of two entries with one URN kept, unreadable ones counted", () => {
        const state = load([
            namespace("c", "first c"),
            { type: "kubernetes:core/v1:Namespace" },
            namespace("a", "a"),
            { urn: "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s", type: "pulumi:pulumi:Stack" },
            namespace("c", "second c"),
            namespace("b", "b"),
        ]);
        assert.deepEqual(
            state.resources.map((resource) => [
                resource.name,
                (resource.props.metadata as { labels: { which: string } }).labels.which,
            ]),
            [
                ["c", "first c"],
                ["a", "a"],
                ["b", "b"],
            ],
        );
        assert.equal(state.skipped, 1);
    });
});

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
        const r = cliWithInput(["audit", "--state", "-", "--json"], state);
        assert.equal(r.status, 0, r.stderr);
        assert.equal((JSON.parse(r.stdout) as { resources: number }).resources, 1);
        assert.match(r.stderr, /Audited 1 resources from standard input \(stack export\)/);
    });

    it("--help prints every option, not only the usage line", () => {
        const r = cliWithInput(["audit", "--help"]);
        assert.equal(r.status, 0, r.stderr);
        for (const option of ["--state FILE", "--json", "--strict", "--policy-config FILE"]) {
            assert.match(r.stdout, new RegExp(`^  ${option.replace(/[-]/g, "\\-")}\\s`, "m"), option);
        }
        assert.match(r.stdout, /- reads it from standard input/);
    });
});
