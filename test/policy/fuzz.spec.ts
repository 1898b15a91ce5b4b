// Odd input never makes a policy throw: random property bags (nested objects, arrays, Pulumi's unknown
// sentinel, secrets, numbers where strings are expected, near-miss strings) fed to every policy, directly,
// through the CrossGuard policy objects, and through evaluatePolicies.

import { strict as assert } from "assert";
import fc from "fast-check";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { evaluatePolicies, type StackResource } from "../../policy/evaluate";
import { resolveConfig } from "../../policy/rule";
import { POLICIES, RULES } from "../../policy/rules";
import { runResourcePolicy, runStackPolicy } from "../support/policy/args";
import { SECRET, UNKNOWN } from "../support/policy/cases";

const TYPES = [
    "gcp:gkehub/featureMembership:FeatureMembership",
    "gcp:gkehub/feature:Feature",
    "gcp:container/cluster:Cluster",
    "gcp:container/nodePool:NodePool",
    "alicloud:cs/managedKubernetes:ManagedKubernetes",
    "alicloud:cs/kubernetes:Kubernetes",
    "alicloud:servicemesh/serviceMesh:ServiceMesh",
    "kubernetes:core/v1:Namespace",
    "kubernetes:core/v1:Pod",
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:apps/v1:ReplicaSet",
    "kubernetes:batch/v1:Job",
    "kubernetes:batch/v1:CronJob",
    "kubernetes:helm.sh/v3:Release",
    "kubernetes:helm.sh/v3:Chart",
    "kubernetes:helm.sh/v4:Chart",
    "kubernetes:install.istio.io/v1alpha1:IstioOperator",
    "kubernetes:sailoperator.io/v1:Istio",
    "kubernetes:istio.alibabacloud.com/v1beta1:ASMMeshConfig",
    "kubernetes:formance.com/v1beta1:Settings",
    "command:local:Command",
    "nativemesh:index:MeshEnvironment",
];

const KEYS = [
    "spec",
    "metadata",
    "labels",
    "annotations",
    "template",
    "jobTemplate",
    "containers",
    "initContainers",
    "env",
    "pilot",
    "values",
    "version",
    "chart",
    "revision",
    "revisionTags",
    "key",
    "value",
    "stacks",
    "mesh",
    "management",
    "controlPlane",
    "create",
    "environment",
    "securityContext",
    "runAsUser",
    "command",
    "args",
    "name",
    "tag",
    "components",
    "k8s",
    "global",
    "minMasterVersion",
    "nodeVersion",
    "nodePools",
    "enableNativeSidecar",
    "fleetDefaultMemberConfig",
    "istio.io/rev",
    "istio-injection",
    "sidecar.istio.io/nativeSidecar",
    "sidecar.istio.io/inject",
    "proxy.istio.io/config",
    "ENABLE_NATIVE_SIDECARS",
    "updateStrategy",
    "type",
    "holdApplicationUntilProxyStarts",
    "constructor",
    "toString",
    "__proto__",
];

const NEAR_MISSES = [
    UNKNOWN,
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    "true",
    "false",
    "auto",
    "",
    "1.18.2",
    "1.33.5-gke.1308000",
    "asm-11910-26",
    "v1.22.2.35-ge64ec8af-aliyun",
    "latest",
    "-",
    "1.x",
    "asm-managed",
    "istiod",
    "istio/istiod",
    "MANAGEMENT_AUTOMATIC",
    "AUTOMATIC",
    "servicemesh",
    "namespace.labels",
    "jobs.x.spec.template.annotations",
    "deployments.a.spec.template.annotations",
    "istio.io/rev=1-28-1,a=b=c",
    "jobs.Ledger.spec.template.annotations",
    'a=" x ",a=\u00e9,,=',
    'x="',
    "a=",
    "asmcli install --managed --revision_name",
    "./asmcli install --co",
    "./asmcli install --custom-overlay --revision-name=",
    "istioctl tag set -r",
    "istioctl --x tag set $T --revision=",
    "istioctl tag set prod -yr",
    "'unterminated",
    "\\",
    "/quitquitquit",
    "apiVersion: x\nkind: IstioOperator\nspec: [",
    "kind: IstioOperator\nspec:\n  values: 3\n",
];

const leaf = fc.oneof(
    fc.constantFrom<unknown>(
        ...NEAR_MISSES,
        SECRET,
        { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: '"true"' },
        null,
        true,
        false,
        0,
        1337,
        1.3,
        -1,
        Number.MAX_SAFE_INTEGER,
    ),
    fc.string(),
    fc.integer(),
    fc.double(),
);

const { bag } = fc.letrec<{ value: unknown; bag: Record<string, unknown>; list: unknown[] }>((tie) => ({
    value: fc.oneof({ depthSize: "small" }, leaf, tie("bag"), tie("list")),
    bag: fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string()), tie("value"), {
        maxKeys: 6,
        noNullPrototype: true,
    }),
    list: fc.array(tie("value"), { maxLength: 4 }),
}));

// Paths the rules read (segments split on ">"), so that random values also land deep inside realistic shapes (and on every prefix).
const DEEP_PATHS = [
    "metadata>name",
    "metadata>labels>istio.io/rev",
    "metadata>labels>istio-injection",
    "metadata>annotations>sidecar.istio.io/nativeSidecar",
    "spec>containers>0>command",
    "spec>containers>0>args>0",
    "spec>initContainers>0>securityContext>runAsUser",
    "spec>securityContext>runAsUser",
    "spec>template>metadata>annotations>sidecar.istio.io/nativeSidecar",
    "spec>template>metadata>annotations>proxy.istio.io/config",
    "spec>template>metadata>labels>sidecar.istio.io/inject",
    "spec>template>spec>containers>0>args>0",
    "spec>template>spec>initContainers>0>securityContext>runAsUser",
    "spec>template>spec>securityContext>runAsUser",
    "spec>jobTemplate>spec>template>metadata>annotations>sidecar.istio.io/nativeSidecar",
    "spec>jobTemplate>spec>template>spec>initContainers>0>securityContext>runAsUser",
    "chart",
    "version",
    "values>revision",
    "values>revisionTags>0",
    "values>global>tag",
    "values>pilot>env>ENABLE_NATIVE_SIDECARS",
    "values>env>ENABLE_NATIVE_SIDECARS",
    "values>meshConfig>defaultConfig>holdApplicationUntilProxyStarts",
    "spec>tag",
    "spec>revision",
    "spec>version",
    "spec>updateStrategy>type",
    "spec>values>pilot>env>ENABLE_NATIVE_SIDECARS",
    "spec>components>pilot>k8s>env>0>name",
    "spec>components>pilot>k8s>env>0>value",
    "spec>enableNativeSidecar",
    "spec>key",
    "spec>value",
    "spec>stacks>0",
    "mesh>management",
    "mesh>controlPlane",
    "name",
    "fleetDefaultMemberConfig>mesh>management",
    "minMasterVersion",
    "nodeVersion",
    "nodePools>0>version",
    "create",
    "environment>OVERLAY",
].map((path) => path.split(">"));

function setAt(root: Record<string, unknown>, path: string[], value: unknown): void {
    let current: Record<string, unknown> = root;
    for (let i = 0; i < path.length - 1; i++) {
        const next = current[path[i]];
        if (typeof next !== "object" || next === null) current[path[i]] = /^\d+$/.test(path[i + 1]) ? [] : {};
        current = current[path[i]] as Record<string, unknown>;
    }
    current[path[path.length - 1]] = value;
}

const shaped = fc
    .array(fc.tuple(fc.constantFrom(...DEEP_PATHS), fc.nat(8), fc.oneof(leaf, bag)), { maxLength: 8 })
    .map((entries) => {
        const props: Record<string, unknown> = {};
        // A random prefix of the path gets the value, so odd values also replace whole sub-objects.
        for (const [path, cut, value] of entries)
            setAt(props, path.slice(0, Math.max(1, path.length - (cut % path.length))), value);
        return props;
    });

const resource = fc.record({ type: fc.constantFrom(...TYPES), props: fc.oneof(bag, shaped, shaped) });
const stack = fc.array(resource, { minLength: 1, maxLength: 6 }).map((list) =>
    list.map((entry, index): StackResource => ({
        urn: `urn:pulumi:fuzz::p::${entry.type}::r${index}`,
        type: entry.type,
        name: `r${index}`,
        props: entry.props,
    })),
);

describe("policies never throw on odd input (fuzz)", () => {
    it("pure checks of every rule", () => {
        fc.assert(
            fc.property(stack, (resources) => {
                for (const rule of RULES) {
                    const config = resolveConfig(rule, {});
                    if (rule.kind === "stack") rule.check(resources, config);
                    else
                        for (const entry of resources)
                            if (rule.appliesTo(entry.type)) rule.check(entry.type, entry.props, config);
                }
            }),
            { numRuns: 400 },
        );
    });

    it("evaluatePolicies: no rule fails, every violation is well formed", () => {
        fc.assert(
            fc.property(stack, (resources) => {
                for (const violation of evaluatePolicies(resources)) {
                    assert.ok(!violation.message.startsWith("could not evaluate"), violation.message);
                    assert.ok(violation.enforcementLevel === "advisory" || violation.enforcementLevel === "mandatory");
                    assert.equal(typeof violation.message, "string");
                }
            }),
            { numRuns: 400 },
        );
    });

    it("the CrossGuard policy objects, with props behind the real unknown-checking proxy", async () => {
        await fc.assert(
            fc.asyncProperty(stack, async (resources) => {
                const tests = resources.map(({ type, name, props }) => ({ type, name, props }));
                for (const policy of POLICIES) {
                    if ("validateStack" in policy) await runStackPolicy(policy as StackValidationPolicy, tests);
                    else for (const entry of tests) await runResourcePolicy(policy as ResourceValidationPolicy, entry);
                }
            }),
            { numRuns: 150 },
        );
    });

    it("props that are not objects at all", () => {
        const odd = [null, undefined, "x", 3, [1, 2], UNKNOWN, SECRET] as unknown[];
        const resources = odd.flatMap((props, index) =>
            TYPES.map((type) => ({
                urn: `urn:pulumi:fuzz::p::${type}::o${index}`,
                type,
                name: `o${index}`,
                props: props as Record<string, unknown>,
            })),
        );
        for (const violation of evaluatePolicies(resources))
            assert.ok(!violation.message.startsWith("could not evaluate"), violation.message);
    });

    it("values neither JSON nor String can print (cyclic, with a toString that is not a function)", () => {
        // Found by the fuzz test: a message that quoted such a value threw while being written.
        const unprintable: Record<string, unknown> = { toString: { not: "a function" } };
        unprintable.self = unprintable;
        const resources = TYPES.map((type, index) => ({
            urn: `urn:pulumi:fuzz::p::${type}::u${index}`,
            type,
            name: `u${index}`,
            props: {
                metadata: { name: unprintable, labels: unprintable, annotations: unprintable },
                spec: { key: unprintable, value: unprintable, stacks: unprintable, template: unprintable },
                values: unprintable,
                version: unprintable,
                minMasterVersion: unprintable,
                create: unprintable,
            },
        }));
        for (const violation of evaluatePolicies(resources))
            assert.ok(!violation.message.startsWith("could not evaluate"), violation.message);
    });
});
