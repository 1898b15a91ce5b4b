// The benchmark's generated inputs are what they claim to be: a `pulumi stack export` the audit reads as one,
// with the promised mix and count, and stack configs that validate and plan one namespace and its Settings per
// entry. No timing here: the figures are `npm run bench`'s business.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadState } from "../cli/audit";
import { planStack } from "../cli/engine";
import { loadStackFile } from "../cli/stackFile";
import { evaluatePolicies } from "../policy/evaluate";
import { stackExport, writeInputs } from "../bench/generate";
import { loadedModules, measureRounds, median, NOT_FOR_AUDIT } from "../bench/measure";

const ROOT = path.resolve(__dirname, "..");

const countTypes = (types: string[]) =>
    types.reduce<Record<string, number>>((acc, t) => ({ ...acc, [t]: (acc[t] ?? 0) + 1 }), {});

describe("bench: generated inputs", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-bench-spec-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const exportCases = [
        { size: 5, note: "smaller than the platform part" },
        { size: 1_000, note: "the bench's smallest fleet" },
        { size: 2_345, note: "a size that ends inside a tenant" },
    ];
    for (const { size, note } of exportCases) {
        it(`an export of ${size} resources (${note}) is read by the audit as a stack export of ${size} entries`, () => {
            const { exports } = writeInputs(dir, [size], []);
            const file = exports.get(size)!;
            const document = JSON.parse(fs.readFileSync(file, "utf8")) as {
                version: number;
                deployment: { resources: unknown[] };
            };
            assert.equal(document.version, 3);
            assert.equal(document.deployment.resources.length, size);
            const state = loadState(file);
            assert.equal(state.format, "stack export");
            // The audit skips the stack and provider entries, as `pulumi preview --policy-pack` does.
            const skipped = Math.min(size, 3);
            assert.equal(state.resources.length, size - skipped);
            assert.equal(new Set(state.resources.map((r) => r.urn)).size, state.resources.length, "URNs are unique");
        });
    }

    it("the written file and the in-memory export are the same document", () => {
        const { exports } = writeInputs(dir, [321], []);
        assert.deepEqual(JSON.parse(fs.readFileSync(exports.get(321)!, "utf8")), stackExport(321));
    });

    it("a fleet has the promised mix: cluster, node pool, istiod, and per namespace Deployments, Services, a Job, Settings", () => {
        const counts = countTypes(stackExport(1_000).deployment.resources.map((r) => r.type));
        assert.equal(counts["gcp:container/cluster:Cluster"], 1);
        assert.equal(counts["gcp:container/nodePool:NodePool"], 1);
        assert.equal(counts["kubernetes:helm.sh/v3:Release"], 2);
        // 8 platform entries (stack, 2 providers, cluster, pool, istio-system, 2 releases), then tenants of 10:
        // 99 whole ones and one cut after its Namespace and first Deployment.
        assert.equal(counts["kubernetes:core/v1:Namespace"], 1 + 100);
        assert.equal(counts["kubernetes:apps/v1:Deployment"], 4 * 99 + 1);
        assert.equal(counts["kubernetes:core/v1:Service"], 3 * 99);
        assert.equal(counts["kubernetes:batch/v1:Job"], 99);
        assert.equal(counts["kubernetes:formance.com/v1beta1:Settings"], 99);
    });

    it("a fleet passes the pack with only the advisory legacy workaround it plants in one tenant in a hundred", () => {
        const resources = stackExport(1_000)
            .deployment.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:"))
            .map((r) => ({ urn: r.urn, type: r.type, name: r.urn.split("::").pop()!, props: r.inputs }));
        const violations = evaluatePolicies(resources);
        assert.deepEqual(
            violations.map((v) => [v.policy, v.enforcementLevel, v.urn.split("::").pop()]),
            [["no-legacy-sidecar-workarounds", "advisory", "tenant-7-api"]],
        );
    });

    for (const count of [1, 10, 1_000]) {
        it(`a stack config of ${count} namespaces validates with ${count} namespaces, each with pod-template annotations`, () => {
            const { configs } = writeInputs(dir, [], [count]);
            const loaded = loadStackFile({ config: configs.get(count)! });
            assert.equal(loaded.stack, `ns-${count}`);
            assert.equal(loaded.spec.namespaces.length, count);
            for (const ns of loaded.spec.namespaces)
                assert.deepEqual(ns.podTemplateAnnotations, { "sidecar.istio.io/nativeSidecar": "true" });
        });
    }

    it("a stack config of 10 namespaces plans 10 meshed namespaces and 2 Settings for each", async () => {
        const { configs } = writeInputs(dir, [], [10]);
        const loaded = loadStackFile({ config: configs.get(10)! });
        const plan = await planStack(loaded.stack, loaded.config);
        const counts = countTypes(plan.resources.map((r) => r.type));
        // + istio-system, the canary's own namespace and the Formance operator's; + the one namespace.labels Setting
        // of the formance section.
        assert.equal(counts["kubernetes:core/v1:Namespace"], 10 + 3);
        assert.equal(counts["kubernetes:formance.com/v1beta1:Settings"], 2 * 10 + 1);
        const tenants = plan.resources.filter(
            (r) => r.type === "kubernetes:formance.com/v1beta1:Settings" && /tenant-3$/.test(r.name),
        );
        assert.deepEqual(
            tenants.map((r) => (r.inputs.spec as { stacks: string[] }).stacks),
            [["tenant-3"], ["tenant-3"]],
        );
    });
});

describe("bench: helpers", () => {
    const medians: Array<[number[], number]> = [
        [[3], 3],
        [[5, 1, 3], 3],
        [[4, 1, 3, 2], 2.5],
    ];
    for (const [values, expected] of medians) {
        it(`median of [${values.join(", ")}] is ${expected}`, () => assert.equal(median(values), expected));
    }

    it("the compiled audit loads no Pulumi SDK, gRPC or TypeScript compiler, only our bundle", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-bench-spec-"));
        try {
            const { exports } = writeInputs(dir, [50], []);
            // Build first: a stale bundle would be rebuilt inside the measured process, loading esbuild.
            const build = spawnSync(process.execPath, [path.join(ROOT, "cli", "build.js")], {
                cwd: ROOT,
                encoding: "utf8",
            });
            assert.equal(build.status, 0, build.stderr);
            const modules = loadedModules(
                [
                    process.execPath,
                    path.join(ROOT, "cli", "nativemesh.js"),
                    "audit",
                    "--state",
                    exports.get(50)!,
                    "--json",
                ],
                ROOT,
            );
            assert.deepEqual(
                modules.filter((file) => NOT_FOR_AUDIT.test(file)),
                [],
            );
            assert.ok(modules.includes(path.join(ROOT, "dist", "nativemesh.js")), modules.join("\n"));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    const rssReport = path.join(os.tmpdir(), `nativemesh-bench-rss-${process.pid}`);
    it("measures a run's wall time and peak memory, and leaves no memory report behind", () => {
        const [run] = measureRounds([{ command: [process.execPath, "-e", "Buffer.alloc(64e6, 1)"], runs: 1 }], ROOT);
        assert.equal(run.runsMs.length, 1);
        assert.ok(run.peakRssMb > 64, `peak ${run.peakRssMb} MB for a 64 MB buffer`);
        assert.equal(fs.existsSync(rssReport), false);
    });

    it("a command that fails is reported with its exit status, and its memory report is removed all the same", () => {
        assert.throws(
            () => measureRounds([{ command: [process.execPath, "-e", "process.exit(4)"], runs: 1 }], ROOT),
            /-e process\.exit\(4\): exit 4/,
        );
        assert.equal(fs.existsSync(rssReport), false);
    });

    it("NOT_FOR_AUDIT names the SDK, gRPC and the compilers, and not our own files", () => {
        const cases: Array<[string, boolean]> = [
            ["/p/node_modules/@pulumi/pulumi/index.js", true],
            ["/p/node_modules/@grpc/grpc-js/build/src/index.js", true],
            ["/p/node_modules/typescript/lib/typescript.js", true],
            ["/p/node_modules/esbuild/lib/main.js", true],
            ["/p/node_modules/tsx/dist/cjs/index.cjs", true],
            ["/p/dist/nativemesh.js", false],
            ["/p/node_modules/yaml/dist/index.js", false],
        ];
        for (const [file, unwanted] of cases) assert.equal(NOT_FOR_AUDIT.test(file), unwanted, file);
    });

    it("the preview floor loads every class the preview declares, and exits 0", () => {
        const run = spawnSync(process.execPath, [path.join(ROOT, "bench", "floor-preview.js")], {
            cwd: ROOT,
            encoding: "utf8",
            timeout: 60_000,
        });
        assert.equal(run.status, 0, run.stderr);
    });
});
