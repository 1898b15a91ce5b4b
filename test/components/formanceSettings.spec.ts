import * as k8s from "@pulumi/kubernetes";
import * as assert from "node:assert/strict";
import { FormanceOperatorArgs, FormanceSettings, isRemoteChart } from "../../components/formanceSettings";
import { FormanceValueError } from "../../policy/facts/formance";
import { at, ofType, oneOfType, record } from "../support/plan";

const provider = () => new k8s.Provider("test-k8s", { kubeconfig: "~/.kube/config" });

const operator = (over: Partial<FormanceOperatorArgs> = {}): FormanceOperatorArgs => ({
    install: true,
    chart: "oci://ghcr.io/formancehq/helm/operator",
    version: "3.9.2",
    namespace: "formance-system",
    values: {},
    ...over,
});

describe("FormanceSettings", () => {
    it("installs the operator's chart first and makes every Settings wait for it", async () => {
        const res = await record(
            () =>
                new FormanceSettings("f", {
                    settings: [{ name: "ns-labels", key: "namespace.labels", value: { a: "b" }, stacks: ["*"] }],
                    operator: operator(),
                    provider: provider(),
                }),
        );
        const release = oneOfType(res, "kubernetes:helm.sh/v3:Release");
        assert.equal(release.inputs.chart, "oci://ghcr.io/formancehq/helm/operator");
        assert.equal(release.inputs.version, "3.9.2");
        assert.equal(release.inputs.namespace, "formance-system");
        const settings = oneOfType(res, "kubernetes:formance.com/v1beta1:Settings");
        assert.ok(settings.options.dependsOn.includes(release.urn), "Settings wait for the operator release");
    });

    it("takes a local chart directory without a version", async () => {
        const res = await record(
            () =>
                new FormanceSettings("f", {
                    settings: [{ name: "ns-labels", key: "namespace.labels", value: { a: "b" }, stacks: ["*"] }],
                    operator: operator({ chart: "charts/formance-operator" }),
                    provider: provider(),
                }),
        );
        const release = oneOfType(res, "kubernetes:helm.sh/v3:Release");
        assert.equal(release.inputs.chart, "charts/formance-operator");
        assert.equal(release.inputs.version, undefined);
    });

    it("without install, reads the team's settings.formance.com CRD first, named for what is missing", async () => {
        const res = await record(
            () =>
                new FormanceSettings("f", {
                    settings: [{ name: "ns-labels", key: "namespace.labels", value: { a: "b" }, stacks: ["*"] }],
                    operator: operator({ install: false }),
                    provider: provider(),
                }),
        );
        assert.deepEqual(ofType(res, "kubernetes:helm.sh/v3:Release"), []);
        // A read is not a planned resource; the Settings depend on it, by a name that says what is missing.
        const settings = oneOfType(res, "kubernetes:formance.com/v1beta1:Settings");
        const read = settings.options.dependsOn.find((urn) => urn.includes("CustomResourceDefinition"));
        assert.match(read ?? "", /::f-needs-formance-operator-crd$/);
    });

    it("creates cluster-scoped Settings whose map values the operator reads back exactly", async () => {
        const res = await record(
            () =>
                new FormanceSettings("f", {
                    settings: [
                        {
                            name: "ns-labels",
                            key: "namespace.labels",
                            value: { "istio.io/rev": "1-28-1" },
                            stacks: ["*"],
                        },
                        {
                            name: "gw",
                            key: "services.gateway.annotations",
                            value: { a: "x,y", b: "1" },
                            stacks: ["s1"],
                        },
                    ],
                    operator: operator(),
                    provider: provider(),
                }),
        );
        const settings = ofType(res, "kubernetes:formance.com/v1beta1:Settings").map((r) => r.inputs);
        assert.deepEqual(settings[0], {
            apiVersion: "formance.com/v1beta1",
            kind: "Settings",
            metadata: { name: "ns-labels" },
            spec: { key: "namespace.labels", value: "istio.io/rev=1-28-1", stacks: ["*"] },
        });
        assert.equal(at(settings[1], "spec.value"), 'a="x,y",b=1');
    });

    it("refuses the seed's NEG value, saying why, and declares no Settings", async () => {
        let refusal: unknown;
        const res = await record(() => {
            try {
                new FormanceSettings("f", {
                    settings: [
                        { name: "ok", key: "namespace.labels", value: { "istio.io/rev": "1-28-1" }, stacks: ["*"] },
                        {
                            name: "gw",
                            key: "services.gateway.annotations",
                            value: { "cloud.google.com/neg": '{"ingress":true,"exposed_ports":{"8080":{}}}' },
                            stacks: ["*"],
                        },
                    ],
                    operator: operator(),
                    provider: provider(),
                });
            } catch (err) {
                refusal = err;
            }
        });
        assert.ok(refusal instanceof FormanceValueError, String(refusal));
        assert.match(refusal.message, /services\.gateway\.annotations/);
        assert.match(refusal.message, /cloud\.google\.com\/neg/);
        assert.deepEqual(ofType(res, "kubernetes:formance.com/v1beta1:Settings"), [], "not even the valid one");
        assert.deepEqual(ofType(res, "kubernetes:helm.sh/v3:Release"), [], "nor the operator");
    });
});

// Hardened defaults (issue 21, the security review): used directly, FormanceSettings takes the operator's chart
// only over https/oci or from a local directory, and only at an exact version (components/config/charts.ts).
const declarePinned = (over: Partial<FormanceOperatorArgs>) =>
    record(
        () =>
            new FormanceSettings("f", {
                settings: [{ name: "ns-labels", key: "namespace.labels", value: { a: "b" }, stacks: ["*"] }],
                operator: operator(over),
                provider: provider(),
            }),
    );

describe("FormanceSettings: the operator's chart is fetched safely and pinned", () => {
    for (const [over, expected] of [
        [
            { chart: "http://charts.example.com/operator-3.17.0.tgz" },
            /^FormanceSettings operator\.chart: .*http:\/\/ is refused/,
        ],
        [{ version: ">=0.0.0" }, /^FormanceSettings operator\.version: must be an exact chart version/],
        [{ version: "latest" }, /^FormanceSettings operator\.version: must be an exact chart version/],
    ] as const) {
        it(`refuses ${JSON.stringify(over)}`, async () => {
            await assert.rejects(declarePinned(over), (err: Error) => expected.test(err.message));
        });
    }

    it("accepts the default, and a local chart directory whatever its version says", async () => {
        await declarePinned({});
        await declarePinned({ chart: "charts/formance-operator", version: "" });
    });
});

describe("FormanceSettings: the operator's release and the Settings' secrecy", () => {
    const setting = { name: "nativemesh-namespace-labels", key: "namespace.labels", value: { a: "b" }, stacks: ["*"] };
    const isSecret = (value: unknown) => typeof value === "object" && value !== null && "plaintext" in value;

    it("the release is formance-operator in a namespace of its own, made first, with the values given", async () => {
        const res = await record(
            () =>
                new FormanceSettings("f", {
                    settings: [setting],
                    operator: operator({ values: { replicaCount: 2 } }),
                    provider: provider(),
                }),
        );
        const namespace = oneOfType(res, "kubernetes:core/v1:Namespace");
        assert.equal(namespace.name, "f-operator-ns");
        assert.deepEqual(namespace.inputs.metadata, { name: "formance-system" });
        const release = oneOfType(res, "kubernetes:helm.sh/v3:Release");
        assert.equal(release.name, "f-operator");
        assert.equal(release.inputs.name, "formance-operator");
        assert.deepEqual(release.inputs.values, { replicaCount: 2 });
        assert.deepEqual(release.options.dependsOn, [namespace.urn]);
        // The Settings object is named for what it sets, its resource name without the nativemesh- prefix.
        const settings = oneOfType(res, "kubernetes:formance.com/v1beta1:Settings");
        assert.equal(settings.name, "f-namespace-labels");
        assert.deepEqual(settings.inputs.metadata, { name: "nativemesh-namespace-labels" });
        assert.equal(isSecret(at(settings.inputs, "spec.value")), false);
        // Everything it declares is its child.
        const component = oneOfType(res, "nativemesh:index:FormanceSettings");
        for (const child of [namespace, release, settings]) assert.equal(child.parent, component.urn, child.name);
    });

    it("only a leading nativemesh- is left out of a Settings' resource name", async () => {
        const res = await record(
            () =>
                new FormanceSettings("f", {
                    settings: [{ ...setting, name: "team-nativemesh-labels" }],
                    operator: operator(),
                    provider: provider(),
                }),
        );
        assert.equal(oneOfType(res, "kubernetes:formance.com/v1beta1:Settings").name, "f-team-nativemesh-labels");
    });

    it("an operator namespace made elsewhere is waited for, not made again", async () => {
        const res = await record(() => {
            const p = provider();
            const meshed = new k8s.core.v1.Namespace(
                "meshed",
                { metadata: { name: "formance-system" } },
                { provider: p },
            );
            return new FormanceSettings("f", {
                settings: [setting],
                operator: operator(),
                operatorNamespace: meshed,
                provider: p,
            });
        });
        const namespaces = ofType(res, "kubernetes:core/v1:Namespace");
        assert.deepEqual(
            namespaces.map((ns) => ns.name),
            ["meshed"],
        );
        assert.deepEqual(oneOfType(res, "kubernetes:helm.sh/v3:Release").options.dependsOn, [namespaces[0].urn]);
    });

    it("secret chart values and secret Settings stay secret; the others do not", async () => {
        const res = await record(
            () =>
                new FormanceSettings("f", {
                    settings: [setting, { name: "nativemesh-other", key: "other.key", value: "x", stacks: ["*"] }],
                    operator: operator({ values: { token: "t" }, valuesSecret: true }),
                    secretSettings: ["nativemesh-namespace-labels"],
                    provider: provider(),
                }),
        );
        const release = oneOfType(res, "kubernetes:helm.sh/v3:Release");
        assert.ok(isSecret(release.inputs.values), JSON.stringify(release.inputs.values));
        const byName = Object.fromEntries(
            ofType(res, "kubernetes:formance.com/v1beta1:Settings").map((s) => [s.name, s.inputs.spec]),
        );
        // The engine keeps the spec that holds a secret value secret as a whole.
        assert.equal(isSecret(byName["f-namespace-labels"]), true);
        assert.equal(at(byName["f-namespace-labels"], "plaintext.value"), "a=b");
        assert.equal(isSecret(byName["f-other"]), false);
        assert.equal(at(byName["f-other"], "value"), "x");
    });

    const remote: Array<[string, boolean]> = [
        ["oci://ghcr.io/formancehq/helm/operator", true],
        ["https://charts.example.com/operator-3.9.2.tgz", true],
        ["http://charts.example.com/operator-3.9.2.tgz", true],
        ["charts/formance-operator", false],
        ["./oci://not-a-url", false],
        ["OCI://ghcr.io/x", false],
    ];
    for (const [chart, expected] of remote) {
        it(`${chart} ${expected ? "names a repository or registry" : "is a local directory"}`, () =>
            assert.equal(isRemoteChart(chart), expected));
    }

    it("a remote https chart is pinned to its version like an OCI one", async () => {
        const res = await declarePinned({ chart: "https://charts.example.com/operator-3.9.2.tgz" });
        assert.equal(oneOfType(res, "kubernetes:helm.sh/v3:Release").inputs.version, "3.9.2");
        await assert.rejects(
            declarePinned({ chart: "https://charts.example.com/operator-3.9.2.tgz", version: "3.9" }),
            /^Error: FormanceSettings operator\.version: /,
        );
    });
});
