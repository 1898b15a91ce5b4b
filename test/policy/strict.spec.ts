// Strict mode: "cannot tell" counts at the policy's own level. Offline (`evaluatePolicies(..., {strict})`, which
// `audit --strict` and `preview --strict` use), per policy in the pack config (`"strict": true`), and in the
// CrossGuard policy objects; plus the checks of every config value type.

import { strict as assert } from "assert";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { runAudit } from "../../cli/audit";
import { evaluatePolicies, PolicyConfigError, type StackResource } from "../../policy/evaluate";
import { POLICIES } from "../../policy/rules";
import { runResourcePolicy, runStackPolicy } from "../support/policy/args";
import { UNKNOWN } from "../support/policy/cases";

const unknownPool: StackResource = {
    urn: "urn:pulumi:test::nativemesh::gcp:container/nodePool:NodePool::pool",
    type: "gcp:container/nodePool:NodePool",
    name: "pool",
    props: { version: UNKNOWN },
};
const unknownSwitch: StackResource = {
    urn: "urn:pulumi:test::nativemesh::kubernetes:helm.sh/v3:Release::istiod",
    type: "kubernetes:helm.sh/v3:Release",
    name: "istiod",
    props: { chart: "istiod", version: "1.28.1", values: { pilot: { env: { ENABLE_NATIVE_SIDECARS: UNKNOWN } } } },
};
const levels = (packConfig?: unknown, strict?: boolean) =>
    evaluatePolicies([unknownPool, unknownSwitch], packConfig, { strict })
        .map((violation) => `${violation.policy}:${violation.enforcementLevel}`)
        .sort();

async function audit(...argv: string[]): Promise<{ code: number; stdout: string }> {
    let stdout = "";
    const code = await runAudit(argv, {
        stdout: { write: (chunk: string) => (stdout += chunk) },
        stderr: { write: () => true },
    });
    return { code, stdout };
}

describe("strict mode", () => {
    it("by default, cannot tell is advisory", () => {
        assert.deepEqual(levels(), [
            "kubernetes-version-supports-native-sidecars:advisory",
            "native-sidecars-enabled:advisory",
        ]);
    });

    it("strict (audit --strict, preview --strict) makes it count at each policy's level", () => {
        assert.deepEqual(levels(undefined, true), [
            "kubernetes-version-supports-native-sidecars:mandatory",
            "native-sidecars-enabled:mandatory",
        ]);
        assert.deepEqual(levels({ all: "advisory" }, true), [
            "kubernetes-version-supports-native-sidecars:advisory",
            "native-sidecars-enabled:advisory",
        ]);
    });

    it('"strict": true in one policy\'s config applies to that policy only', () => {
        assert.deepEqual(levels({ "native-sidecars-enabled": { strict: true } }), [
            "kubernetes-version-supports-native-sidecars:advisory",
            "native-sidecars-enabled:mandatory",
        ]);
    });

    it("every policy has strict in its configSchema, a boolean defaulting to false, saying what it does", () => {
        for (const policy of POLICIES) {
            assert.deepEqual(
                {
                    type: policy.configSchema?.properties.strict?.type,
                    default: policy.configSchema?.properties.strict?.default,
                },
                { type: "boolean", default: false },
                policy.name,
            );
            assert.match(
                String(policy.configSchema?.properties.strict?.description),
                /^Report "cannot tell" \(a value the pack cannot read: a secret, a file, an unknown\) at this policy's level instead of as advisory\.$/,
                policy.name,
            );
        }
    });

    it("the CrossGuard policies report cannot tell at their level under strict: true", async () => {
        const resource = POLICIES.find(
            (p) => p.name === "kubernetes-version-supports-native-sidecars",
        ) as ResourceValidationPolicy;
        assert.equal((await runResourcePolicy(resource, unknownPool)).violations[0].enforcementLevel, "advisory");
        assert.equal(
            (await runResourcePolicy(resource, unknownPool, { strict: true })).violations[0].enforcementLevel,
            "mandatory",
        );
        const stack = POLICIES.find((p) => p.name === "native-sidecars-enabled") as StackValidationPolicy;
        assert.equal(
            (await runStackPolicy(stack, [unknownSwitch], { strict: true })).violations[0].enforcementLevel,
            "mandatory",
        );
    });

    const bad: Array<[string, unknown, RegExp]> = [
        [
            "strict not a boolean",
            { "native-sidecars-enabled": { strict: "yes" } },
            /config "strict" is "yes"; expected true or false/,
        ],
        [
            "proxyUid not an integer",
            { "no-legacy-sidecar-workarounds": { proxyUid: 1337.5 } },
            /config "proxyUid" is 1337.5; expected an integer/,
        ],
        [
            "proxyUid a string",
            { "no-legacy-sidecar-workarounds": { proxyUid: "1337" } },
            /config "proxyUid" is "1337"; expected an integer/,
        ],
        [
            "proxyUid below 0",
            { "no-legacy-sidecar-workarounds": { proxyUid: -1 } },
            /config "proxyUid" is -1; expected an integer >= 0/,
        ],
        [
            "autoMinKubeletMinor not an integer",
            { "native-sidecars-enabled": { autoMinKubeletMinor: 33.5 } },
            /config "autoMinKubeletMinor" is 33.5; expected an integer/,
        ],
        [
            "autoMinKubeletMinor below 0",
            { "native-sidecars-enabled": { autoMinKubeletMinor: -3 } },
            /expected an integer >= 0/,
        ],
    ];
    for (const [what, config, message] of bad) {
        it(`refuses ${what}`, () => {
            assert.throws(
                () => evaluatePolicies([], config),
                (error: Error) => error instanceof PolicyConfigError && message.test(error.message),
            );
        });
    }

    it("accepts integer settings at their bounds: proxyUid 0, autoMinKubeletMinor 34 changes the verdict", () => {
        assert.doesNotThrow(() => evaluatePolicies([], { "no-legacy-sidecar-workarounds": { proxyUid: 0 } }));
        const cluster: StackResource = {
            urn: "urn:pulumi:test::nativemesh::gcp:container/cluster:Cluster::gke",
            type: "gcp:container/cluster:Cluster",
            name: "gke",
            props: { minMasterVersion: "1.33.5-gke.1" },
        };
        const auto = { ...unknownSwitch, props: { chart: "istiod", version: "1.28.1", values: {} } };
        const mandatoryFor = (config?: unknown) =>
            evaluatePolicies([auto, cluster], config).filter((v) => v.enforcementLevel === "mandatory").length;
        assert.equal(mandatoryFor(), 0);
        assert.equal(mandatoryFor({ "native-sidecars-enabled": { autoMinKubeletMinor: 34 } }), 1);
    });

    describe("audit", () => {
        it("reads nativemesh preview --json; --strict turns its cannot tell into exit 1", async () => {
            const file = "test/fixtures/audit/nativemesh-preview.json";
            const plain = await audit("--state", file, "--json");
            const json = JSON.parse(plain.stdout) as {
                resources: number;
                violations: Array<{ policy: string; enforcementLevel: string }>;
            };
            assert.equal(json.resources, 2, "our component and the Stack are not evaluated");
            assert.deepEqual(json.violations.map((v) => `${v.policy}:${v.enforcementLevel}`).sort(), [
                "kubernetes-version-supports-native-sidecars:mandatory",
                "native-sidecars-enabled:advisory",
            ]);
            assert.equal(plain.code, 1);
            const strict = await audit("--state", file, "--json", "--strict");
            assert.ok(
                JSON.parse(strict.stdout).violations.every(
                    (v: { enforcementLevel: string }) => v.enforcementLevel === "mandatory",
                ),
            );
        });

        it("a node pool with no version in its inputs is judged on the version its outputs report", async () => {
            const { code, stdout } = await audit("--state", "test/fixtures/audit/export-output-version.json", "--json");
            assert.equal(code, 1);
            assert.match(stdout, /version \\"1.27.16-gke.1\\" is below 1.29/);
        });
    });
});
