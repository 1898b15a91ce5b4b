// Policy config: thresholds and levels as `pulumi preview --policy-pack-config` takes them, in the pack and in
// the offline engine; bad config is one line naming the policy and key.

import { strict as assert } from "assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { evaluatePolicies, PolicyConfigError, type StackResource } from "../../policy/evaluate";
import { POLICIES, RULES } from "../../policy/rules";
import Ajv from "ajv";
import { runResourcePolicy } from "../support/policy/args";

const oldPool: StackResource = {
    urn: "urn:pulumi:test::nativemesh::gcp:container/nodePool:NodePool::pool",
    type: "gcp:container/nodePool:NodePool",
    name: "pool",
    props: { version: "1.28.3-gke.1" },
};
const unknownPool: StackResource = {
    ...oldPool,
    urn: `${oldPool.urn}2`,
    name: "pool2",
    props: { version: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" },
};
const quitter: StackResource = {
    urn: "urn:pulumi:test::nativemesh::kubernetes:batch/v1:Job::job",
    type: "kubernetes:batch/v1:Job",
    name: "job",
    props: {
        spec: {
            template: { spec: { containers: [{ name: "c", args: ["curl -X POST localhost:15020/quitquitquit"] }] } },
        },
    },
};

// Native sidecars on mesh-wide, so the Job's /quitquitquit is advised against (only where native mode is on).
const nativeIstiod: StackResource = {
    urn: "urn:pulumi:test::nativemesh::kubernetes:helm.sh/v3:Release::istiod",
    type: "kubernetes:helm.sh/v3:Release",
    name: "istiod",
    props: { chart: "istiod", version: "1.28.1", values: { pilot: { env: { ENABLE_NATIVE_SIDECARS: "true" } } } },
};

const levels = (packConfig?: unknown) =>
    evaluatePolicies([oldPool, unknownPool, quitter, nativeIstiod], packConfig)
        .map((violation) => `${violation.policy}:${violation.enforcementLevel}`)
        .sort();

describe("policy config", () => {
    describe("thresholds are configSchema properties with the documented defaults", () => {
        // FACTS.md: GKE 1.29, ACK 1.30, Istio 1.19, ASM 1.22, annotation 1.24.0, auto 1.27, kubelet minor 33.
        const defaults: Array<[string, string, unknown]> = [
            ["kubernetes-version-supports-native-sidecars", "gkeMinVersion", "1.29"],
            ["kubernetes-version-supports-native-sidecars", "ackMinVersion", "1.30"],
            ["istio-version-supports-native-sidecars", "istioMinVersion", "1.19"],
            ["istio-version-supports-native-sidecars", "asmMinVersion", "1.22"],
            ["native-sidecar-annotation", "annotationMinIstioVersion", "1.24.0"],
            ["native-sidecars-enabled", "autoMinIstioVersion", "1.27"],
            ["native-sidecars-enabled", "autoMinKubeletMinor", 33],
            ["no-legacy-sidecar-workarounds", "proxyUid", 1337],
        ];
        for (const [policyName, key, value] of defaults) {
            it(`${policyName} ${key} defaults to ${JSON.stringify(value)}`, () => {
                const policy = POLICIES.find((candidate) => candidate.name === policyName)!;
                assert.equal(policy.configSchema?.properties[key]?.default, value);
            });
        }
    });

    it("every policy tells what it refuses and how to fix it, in the pack as in the rule", () => {
        for (const rule of RULES) {
            const policy = POLICIES.find((candidate) => candidate.name === rule.name)!;
            assert.equal(policy.description, rule.description, rule.name);
            assert.equal(policy.remediationSteps, rule.remediationSteps, rule.name);
            // One or more sentences: a capitalised verb first, a full stop last.
            assert.match(rule.description, /^[A-Z][a-z]+s .{20,}\.$/, rule.name);
            assert.match(rule.remediationSteps, /^[A-Z].{20,}\.$/, rule.name);
        }
    });

    describe("configSchema, as Pulumi validates --policy-pack-config against it (JSON schema, ajv)", () => {
        const ajv = new Ajv({ strict: false });
        const schemaOf = (policyName: string) => {
            const policy = POLICIES.find((candidate) => candidate.name === policyName)!;
            return { type: "object", properties: policy.configSchema!.properties };
        };
        const table: Array<[string, Record<string, unknown>, boolean]> = [
            ["native-sidecars-enabled", { autoMinIstioVersion: "1.27" }, true],
            ["native-sidecars-enabled", { autoMinIstioVersion: "v1.27.3" }, true],
            ["native-sidecars-enabled", { autoMinIstioVersion: "1.x" }, false],
            ["native-sidecars-enabled", { autoMinIstioVersion: "1" }, false],
            ["native-sidecars-enabled", { autoMinIstioVersion: "1.27.3.1" }, false],
            ["native-sidecars-enabled", { autoMinIstioVersion: "x1.27" }, false],
            ["native-sidecars-enabled", { autoMinKubeletMinor: 0 }, true],
            ["native-sidecars-enabled", { autoMinKubeletMinor: -1 }, false],
            ["native-sidecars-enabled", { autoMinKubeletMinor: 33.5 }, false],
            ["native-sidecars-enabled", { strict: true }, true],
            ["native-sidecars-enabled", { strict: "yes" }, false],
            ["no-legacy-sidecar-workarounds", { proxyUid: 1000 }, true],
            ["no-legacy-sidecar-workarounds", { proxyUid: "1337" }, false],
            ["no-managed-control-plane", { managedRevisions: ["asm-managed"] }, true],
            ["no-managed-control-plane", { managedRevisions: ["asm-managed", 1] }, false],
            ["no-managed-control-plane", { managedRevisions: "asm-managed" }, false],
            ["kubernetes-version-supports-native-sidecars", { gkeMinVersion: 1.29 }, false],
        ];
        for (const [policyName, config, valid] of table) {
            it(`${policyName} ${valid ? "accepts" : "refuses"} ${JSON.stringify(config)}, as the offline engine does`, () => {
                assert.equal(ajv.validate(schemaOf(policyName), config), valid, JSON.stringify(ajv.errors));
                const offline = () => evaluatePolicies([], { [policyName]: config });
                if (valid) offline();
                else assert.throws(offline, PolicyConfigError);
            });
        }

        it("each property carries its rule's type, default and description", () => {
            for (const rule of RULES) {
                const properties = POLICIES.find((candidate) => candidate.name === rule.name)!.configSchema!.properties;
                for (const [key, spec] of Object.entries(
                    rule.config as unknown as Record<string, Record<string, unknown>>,
                )) {
                    const property = properties[key] as Record<string, unknown>;
                    assert.deepEqual(
                        [property.type, property.default, property.description],
                        [spec.type, spec.default, spec.description],
                        `${rule.name}.${key}`,
                    );
                    assert.ok(String(spec.description).length > 10, `${rule.name}.${key} has no description`);
                    // Only version keys carry the version pattern, only lists an item type, only bounded integers a minimum.
                    assert.equal("pattern" in property, spec.version === true, `${rule.name}.${key} pattern`);
                    assert.equal("items" in property, spec.type === "array", `${rule.name}.${key} items`);
                    assert.equal(property.minimum, spec.minimum, `${rule.name}.${key} minimum`);
                }
            }
        });
    });

    it("every policy is mandatory except no-legacy-sidecar-workarounds (advisory)", () => {
        for (const policy of POLICIES) {
            assert.equal(
                policy.enforcementLevel,
                policy.name === "no-legacy-sidecar-workarounds" ? "advisory" : "mandatory",
                policy.name,
            );
        }
        assert.equal(RULES.length, 10);
    });

    it("defaults: the old pool is mandatory, the unknown one advisory, the workaround advisory", () => {
        assert.deepEqual(levels(), [
            "kubernetes-version-supports-native-sidecars:advisory",
            "kubernetes-version-supports-native-sidecars:mandatory",
            "no-legacy-sidecar-workarounds:advisory",
        ]);
    });

    it('"all": "advisory" makes every violation advisory', () => {
        assert.ok(levels({ all: "advisory" }).every((entry) => entry.endsWith(":advisory")));
        assert.ok(levels({ all: { enforcementLevel: "advisory" } }).every((entry) => entry.endsWith(":advisory")));
    });

    it('"all": "mandatory" raises the advisory policy, but "cannot tell" stays advisory', () => {
        assert.deepEqual(levels({ all: "mandatory" }), [
            "kubernetes-version-supports-native-sidecars:advisory",
            "kubernetes-version-supports-native-sidecars:mandatory",
            "no-legacy-sidecar-workarounds:mandatory",
        ]);
    });

    it("a policy's own level wins over all; remediate counts as mandatory; disabled removes it", () => {
        assert.deepEqual(levels({ all: "advisory", "no-legacy-sidecar-workarounds": "remediate" }), [
            "kubernetes-version-supports-native-sidecars:advisory",
            "kubernetes-version-supports-native-sidecars:advisory",
            "no-legacy-sidecar-workarounds:mandatory",
        ]);
        assert.deepEqual(levels({ "kubernetes-version-supports-native-sidecars": { enforcementLevel: "disabled" } }), [
            "no-legacy-sidecar-workarounds:advisory",
        ]);
    });

    it("a threshold from config changes the verdict, offline and in the pack", async () => {
        const config = { "kubernetes-version-supports-native-sidecars": { gkeMinVersion: "1.27" } };
        assert.deepEqual(
            evaluatePolicies([oldPool], config).filter((violation) => violation.enforcementLevel === "mandatory"),
            [],
        );
        const policy = POLICIES.find(
            (candidate) => candidate.name === "kubernetes-version-supports-native-sidecars",
        ) as ResourceValidationPolicy;
        assert.equal((await runResourcePolicy(policy, oldPool)).violations.length, 1);
        assert.deepEqual((await runResourcePolicy(policy, oldPool, { gkeMinVersion: "1.27" })).violations, []);
    });

    describe("integer settings change the verdict", () => {
        const initAs = (uid: number): StackResource => ({
            urn: `urn:pulumi:test::nativemesh::kubernetes:apps/v1:Deployment::app${uid}`,
            type: "kubernetes:apps/v1:Deployment",
            name: `app${uid}`,
            props: {
                spec: {
                    template: {
                        spec: {
                            initContainers: [{ name: "warm", image: "i", securityContext: { runAsUser: uid } }],
                            containers: [{ name: "app", image: "a" }],
                        },
                    },
                },
            },
        });
        const uidFindings = (config?: unknown) =>
            evaluatePolicies([nativeIstiod, initAs(1337), initAs(1000)], config)
                .filter((violation) => violation.policy === "no-legacy-sidecar-workarounds")
                .map((violation) => violation.message.replace(/\. .*/, ""));

        it("proxyUid: the init container running as the proxy's UID is advised against, by default 1337", () => {
            assert.deepEqual(uidFindings(), [
                "app1337 (kubernetes:apps/v1:Deployment): the pod template (spec.template.spec) init container warm runs as UID 1337",
            ]);
        });
        it("proxyUid: 1000 moves the advice to the init container running as 1000", () => {
            assert.deepEqual(uidFindings({ "no-legacy-sidecar-workarounds": { proxyUid: 1000 } }), [
                "app1000 (kubernetes:apps/v1:Deployment): the pod template (spec.template.spec) init container warm runs as UID 1000",
            ]);
        });

        const autoIstiod: StackResource = {
            ...nativeIstiod,
            props: {
                chart: "istiod",
                version: "1.28.1",
                values: { pilot: { env: { ENABLE_NATIVE_SIDECARS: "auto" } } },
            },
        };
        const pool31: StackResource = { ...oldPool, props: { version: "1.31.4-gke.1" } };
        const enabled = (config?: unknown) =>
            evaluatePolicies([autoIstiod, pool31], config)
                .filter((violation) => violation.policy === "native-sidecars-enabled")
                .map((violation) => `${violation.enforcementLevel}: ${violation.message}`);

        it('autoMinKubeletMinor: by default (33) "auto" with a node pool on 1.31 is refused, naming 1.33', () => {
            const found = enabled();
            assert.equal(found.length, 1, JSON.stringify(found));
            assert.match(found[0], /^mandatory: .*pins Kubernetes below 1\.33: pool/);
        });
        it('autoMinKubeletMinor: 31 accepts "auto" with a node pool on 1.31', () => {
            assert.deepEqual(enabled({ "native-sidecars-enabled": { autoMinKubeletMinor: 31 } }), []);
        });
        it("autoMinKubeletMinor: 32 still refuses it, naming 1.32", () => {
            const found = enabled({ "native-sidecars-enabled": { autoMinKubeletMinor: 32 } });
            assert.equal(found.length, 1, JSON.stringify(found));
            assert.match(found[0], /below 1\.32: pool.*kubelet minor >= 32/);
        });
    });

    const bad: Array<[string, unknown, RegExp]> = [
        ["not an object", [], /^policy config: expected a JSON object such as \{"all": "advisory"\}, got \[\]$/],
        [
            "an unknown policy, naming the known ones",
            { "native-sidecar": "advisory" },
            /^policy config: unknown policy "native-sidecar"; known: all, no-managed-control-plane, .*native-sidecars-enabled/,
        ],
        [
            "a key beside enforcementLevel in all",
            { all: { enforcementLevel: "advisory", strict: true } },
            /^policy "all": only enforcementLevel can be set, not "strict"$/,
        ],
        [
            "a list for all",
            { all: ["advisory"] },
            /^policy "all": expected an enforcement level or \{"enforcementLevel": \.\.\.\}, got \["advisory"\]$/,
        ],
        [
            "a bad level inside all's object",
            { all: { enforcementLevel: "warn" } },
            /^policy "all": enforcementLevel "warn" is not one of advisory, mandatory, remediate, disabled$/,
        ],
        [
            "a number for a policy",
            { "native-sidecars-enabled": 3 },
            /^policy "native-sidecars-enabled": expected an enforcement level or an object, got 3$/,
        ],
        [
            "a bad level inside a policy's object",
            { "native-sidecars-enabled": { enforcementLevel: "warn" } },
            /^policy "native-sidecars-enabled": enforcementLevel "warn" is not one of advisory, mandatory, remediate, disabled$/,
        ],
        [
            "an unknown key, naming the allowed ones",
            { "native-sidecars-enabled": { autoMinKubelet: 33 } },
            /^policy "native-sidecars-enabled": unknown config key "autoMinKubelet"; allowed: autoMinIstioVersion, autoMinKubeletMinor, strict$/,
        ],
        ["an unknown policy", { "no-such-policy": "advisory" }, /unknown policy "no-such-policy"/],
        [
            "a bad level",
            { "native-sidecars-enabled": "strict" },
            /policy "native-sidecars-enabled": enforcementLevel "strict" is not one of/,
        ],
        ["a bad level in all", { all: 3 }, /policy "all"/],
        [
            "an unknown key",
            { "native-sidecars-enabled": { autoMin: "1.27" } },
            /policy "native-sidecars-enabled": unknown config key "autoMin"/,
        ],
        [
            "a version that is not one",
            { "istio-version-supports-native-sidecars": { istioMinVersion: "one.nineteen" } },
            /config "istioMinVersion" is "one.nineteen"; expected a version/,
        ],
        [
            "a number where a string is expected",
            { "kubernetes-version-supports-native-sidecars": { gkeMinVersion: 1.29 } },
            /config "gkeMinVersion" is 1.29; expected a string/,
        ],
        [
            "a string where an integer is expected",
            { "native-sidecars-enabled": { autoMinKubeletMinor: "33" } },
            /config "autoMinKubeletMinor" is "33"; expected an integer/,
        ],
        [
            "a fraction where an integer is expected",
            { "native-sidecars-enabled": { autoMinKubeletMinor: 33.5 } },
            /config "autoMinKubeletMinor" is 33.5; expected an integer$/,
        ],
        [
            "an integer below its minimum",
            { "native-sidecars-enabled": { autoMinKubeletMinor: -1 } },
            /config "autoMinKubeletMinor" is -1; expected an integer >= 0$/,
        ],
        [
            "a proxy UID that is not an integer",
            { "no-legacy-sidecar-workarounds": { proxyUid: "1337" } },
            /policy "no-legacy-sidecar-workarounds": config "proxyUid" is "1337"; expected an integer$/,
        ],
        [
            "a negative proxy UID",
            { "no-legacy-sidecar-workarounds": { proxyUid: -5 } },
            /config "proxyUid" is -5; expected an integer >= 0$/,
        ],
        [
            "a version string that is not one in a version key",
            { "native-sidecars-enabled": { autoMinIstioVersion: "1.x" } },
            /config "autoMinIstioVersion" is "1.x"; expected a version such as "1.29"$/,
        ],
        [
            "strict that is not a boolean",
            { "native-sidecars-enabled": { strict: "yes" } },
            /policy "native-sidecars-enabled": config "strict" is "yes"; expected true or false$/,
        ],
        [
            "a list that is not a list",
            { "no-managed-control-plane": { managedRevisions: "asm-managed" } },
            /config "managedRevisions" is "asm-managed"; expected a list of strings$/,
        ],
        [
            "a list holding a number",
            { "no-managed-control-plane": { managedRevisions: ["asm-managed", 1] } },
            /config "managedRevisions" .* expected a list of strings/,
        ],
    ];
    for (const [what, config, message] of bad) {
        it(`refuses ${what} with one PolicyConfigError line`, () => {
            assert.throws(
                () => evaluatePolicies([oldPool], config),
                (error: Error) =>
                    error instanceof PolicyConfigError &&
                    error.name === "PolicyConfigError" &&
                    message.test(error.message) &&
                    !error.message.includes("\n"),
            );
        });
    }
});
