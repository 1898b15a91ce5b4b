import * as assert from "node:assert/strict";
import { validateConfig } from "../../../components/config/config";
import { formanceSettingsFor, settingObjectName, settingsSpec } from "../../../components/render/formanceSpec";
import { injectionLabelsFor } from "../../../components/render/revisionLabel";

describe("formanceSettingsFor", () => {
    // Validated inside the test (not when mocha loads the file), so mutation testing can tell which tests cover it.
    const spec = () =>
        validateConfig({
            cloud: "existing",
            existing: { kubeconfig: "k" },
            mesh: { method: "helm", version: "1.28.1", revisionTags: ["prod"] },
            namespaces: [{ name: "batch", podTemplateAnnotations: { "sidecar.istio.io/nativeSidecar": "true" } }],
            formance: {
                stacks: ["a", "b"],
                namespaceRevisionTag: "prod",
                serviceAnnotations: { gateway: { "cloud.google.com/neg": '{"ingress":true}' } },
                jobAnnotations: { ledger: { x: "y" } },
            },
        });

    it("maps each config entry to its Setting key, and scopes per-namespace defaults to that namespace's stack", () => {
        const { formance, namespaces } = spec();
        const settings = formanceSettingsFor(formance!, injectionLabelsFor("prod"), namespaces);
        assert.deepEqual(
            settings.map((s) => [s.key, s.stacks]),
            [
                ["namespace.labels", ["a", "b"]],
                ["services.gateway.annotations", ["a", "b"]],
                ["jobs.ledger.spec.template.annotations", ["a", "b"]],
                ["deployments.*.spec.template.annotations", ["batch"]],
                ["jobs.*.spec.template.annotations", ["batch"]],
            ],
        );
        assert.deepEqual(settings[0].value, { "istio.io/rev": "prod" });
        assert.equal(new Set(settings.map((s) => s.name)).size, settings.length, "object names are unique");
    });

    it("records where each Setting comes from in the config, the key an error about it names", () => {
        const settings = formanceSettingsFor(
            {
                stacks: ["*"],
                namespaceLabel: true,
                serviceAnnotations: { gateway: { a: "1" } },
                deploymentAnnotations: { ledger: { b: "2" } },
                jobAnnotations: { payments: { c: "3" } },
            },
            { "istio.io/rev": "1-28-1" },
            [
                { name: "quiet", podTemplateAnnotations: {} },
                { name: "batch", podTemplateAnnotations: { d: "4" } },
            ],
        );
        assert.deepEqual(
            settings.map((s) => [s.source, s.key, s.name, s.stacks, s.value]),
            [
                [
                    ["formance", "namespaceLabel"],
                    "namespace.labels",
                    "nativemesh-namespace-labels",
                    ["*"],
                    { "istio.io/rev": "1-28-1" },
                ],
                [
                    ["formance", "serviceAnnotations", "gateway"],
                    "services.gateway.annotations",
                    "nativemesh-services-gateway-annotations",
                    ["*"],
                    { a: "1" },
                ],
                [
                    ["formance", "deploymentAnnotations", "ledger"],
                    "deployments.ledger.spec.template.annotations",
                    "nativemesh-deployments-ledger-spec-template-annotations",
                    ["*"],
                    { b: "2" },
                ],
                [
                    ["formance", "jobAnnotations", "payments"],
                    "jobs.payments.spec.template.annotations",
                    "nativemesh-jobs-payments-spec-template-annotations",
                    ["*"],
                    { c: "3" },
                ],
                [
                    ["namespaces", 1, "podTemplateAnnotations"],
                    "deployments.*.spec.template.annotations",
                    "nativemesh-deployments-all-spec-template-annotations-batch",
                    ["batch"],
                    { d: "4" },
                ],
                [
                    ["namespaces", 1, "podTemplateAnnotations"],
                    "jobs.*.spec.template.annotations",
                    "nativemesh-jobs-all-spec-template-annotations-batch",
                    ["batch"],
                    { d: "4" },
                ],
            ],
        );
    });

    it("writes no namespace.labels Setting when namespaceLabel is off", () => {
        const settings = formanceSettingsFor(
            {
                stacks: ["*"],
                namespaceLabel: false,
                serviceAnnotations: {},
                deploymentAnnotations: {},
                jobAnnotations: {},
            },
            { "istio.io/rev": "1-28-1" },
            [],
        );
        assert.deepEqual(settings, []);
    });

    it("settingsSpec encodes a map only for a key that takes one, and refuses a map elsewhere", () => {
        const setting = { name: "n", key: "namespace.labels", value: { a: "1", b: "2" }, stacks: ["s"] };
        assert.deepEqual(settingsSpec(setting), { key: "namespace.labels", value: "a=1,b=2", stacks: ["s"] });
        assert.deepEqual(
            settingsSpec({ ...setting, key: "postgres.ledger.uri", value: "postgresql://db" }).value,
            "postgresql://db",
        );
        assert.throws(
            () => settingsSpec({ ...setting, key: "postgres.ledger.uri" }),
            /^Error: Formance setting n: key postgres\.ledger\.uri does not take a map; give a string value$/,
        );
    });

    const names: Array<[string, string | undefined, string]> = [
        ["namespace.labels", undefined, "nativemesh-namespace-labels"],
        [
            "deployments.*.spec.template.annotations",
            "batch",
            "nativemesh-deployments-all-spec-template-annotations-batch",
        ],
        ["services.My_Gateway.annotations", undefined, "nativemesh-services-my-gateway-annotations"],
        ["services.a__b..c.annotations", undefined, "nativemesh-services-a-b-c-annotations"],
        ["services.gateway.--", undefined, "nativemesh-services-gateway"],
        [`services.${"a".repeat(300)}`, undefined, `nativemesh-services-${"a".repeat(233)}`],
        [`services.${"a".repeat(231)}--b`, undefined, `nativemesh-services-${"a".repeat(231)}`],
    ];
    for (const [key, suffix, expected] of names) {
        it(`names the Settings object of ${key}${suffix ? ` (${suffix})` : ""} ${expected}`, () =>
            assert.equal(settingObjectName(key, suffix), expected));
    }
});
