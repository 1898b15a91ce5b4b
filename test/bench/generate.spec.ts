// The benchmark's generated inputs are what they claim to be: a `pulumi stack export` the audit reads as one,
// with the promised mix and count, and stack configs that validate and plan one namespace and its Settings per
// entry. No timing here: the figures are `npm run bench`'s business.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stackExport, writeInputs } from "../../bench/generate";
import { loadState } from "../../cli/audit";
import { planStack } from "../../cli/engine";
import { loadStackFile } from "../../cli/stackFile";
import { evaluatePolicies } from "../../policy/evaluate";

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
