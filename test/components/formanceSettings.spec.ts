/** FormanceSettings used directly (components/formanceSettings.ts): the operator's chart only over https/oci or
 *  from a local directory, and only at an exact version, as the config requires (components/config/charts.ts). */
import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { FormanceOperatorArgs, FormanceSettings } from "../../components/formanceSettings";
import { record } from "../support/plan";

const operator = (over: Partial<FormanceOperatorArgs>): FormanceOperatorArgs => ({
    install: true,
    chart: "oci://ghcr.io/formancehq/helm/operator",
    version: "3.17.0",
    namespace: "formance-system",
    values: {},
    ...over,
});

const declare = (over: Partial<FormanceOperatorArgs>) =>
    record(
        () =>
            new FormanceSettings("f", {
                settings: [{ name: "ns-labels", key: "namespace.labels", value: { a: "b" }, stacks: ["*"] }],
                operator: operator(over),
                provider: new k8s.Provider("test-k8s", { kubeconfig: "~/.kube/config" }),
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
            await assert.rejects(declare(over), (err: Error) => expected.test(err.message));
        });
    }

    it("accepts the default, and a local chart directory whatever its version says", async () => {
        await declare({});
        await declare({ chart: "charts/formance-operator", version: "" });
    });
});
