import * as k8s from "@pulumi/kubernetes";
import * as assert from "node:assert/strict";
import { FormanceOperatorArgs, FormanceSettings } from "../../components/formanceSettings";
import { FormanceValueError } from "../../policy/facts/formance";
import { at, ofType, oneOfType, record } from "../support/plan";

const provider = () => new k8s.Provider("test-k8s", { kubeconfig: "~/.kube/config" });

const operator = (over: Partial<FormanceOperatorArgs> = {}): FormanceOperatorArgs => ({
    install: true,
    chart: "oci://ghcr.io/formancehq/helm/operator",
    version: "3.17.0",
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
        assert.equal(release.inputs.version, "3.17.0");
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
