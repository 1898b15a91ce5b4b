// The policy engine's edges, as tables: which pack configs the offline engine takes and the whole message for
// those it refuses (levels under "all", version floors that look like versions but are not), the configSchema
// CrossGuard is given, props that are not an object in the CrossGuard adapter, an IstioOperator k8s env entry
// without a name, and which Formance Settings resources the workload readers take as namespace labels or pod
// template annotations.
import * as assert from "node:assert/strict";
import {
    isNamespace,
    isSettings,
    settingMapOf,
    settingNamespaceLabels,
    settingTemplateAnnotations,
    type SettingMap,
} from "../../policy/workloads";

const SETTINGS = "kubernetes:formance.com/v1beta1:Settings";

describe("workloads: which resources are namespaces", () => {
    const table: Array<[string, boolean]> = [
        ["kubernetes:core/v1:Namespace", true],
        ["kubernetes:core/v1:NamespacePatch", true],
        ["kubernetes:core/v1:NamespaceList", false],
        ["kubernetes:core/v1:Namespaces", false],
        ["xkubernetes:core/v1:Namespace", false],
        ["kubernetes:core/v2:Namespace", false],
        ["kubernetes:core/v1:namespace", false],
    ];
    for (const [type, expected] of table) {
        it(`${type}: ${expected ? "a namespace" : "not a namespace"}`, () => assert.equal(isNamespace(type), expected));
    }
});

describe("workloads: which resources are Formance Settings", () => {
    const table: Array<[string, boolean]> = [
        ["kubernetes:formance.com/v1beta1:Settings", true],
        ["kubernetes:formance.com/v1:Settings", true],
        ["xkubernetes:formance.com/v1beta1:Settings", false],
        ["pulumi:kubernetes:formance.com/v1beta1:Settings", false],
        ["kubernetes:formance.com/v1beta1:SettingsList", false],
        ["kubernetes:formance.com/v1beta1/x:Settings", true],
        ["kubernetes:formance.com/v1:beta:Settings", false],
        ["kubernetes:formance.com/:Settings", false],
        ["kubernetes:formance.comx/v1:Settings", false],
    ];
    for (const [type, expected] of table) {
        it(`${type}: ${expected ? "a Settings" : "not a Settings"}`, () => assert.equal(isSettings(type), expected));
    }

    it("a resource of another type with the same spec is not read as a setting", () => {
        const props = { spec: { key: "namespace.labels", value: "istio.io/rev=1-28-1" } };
        assert.deepEqual(
            [
                settingMapOf("kubernetes:core/v1:ConfigMap", props),
                settingMapOf("xkubernetes:formance.com/v1beta1:Settings", props),
                settingMapOf(SETTINGS, props),
            ],
            [undefined, undefined, { key: "namespace.labels", entries: new Map([["istio.io/rev", "1-28-1"]]) }],
        );
    });
});

describe("workloads: namespace labels and pod template annotations set by Formance Settings", () => {
    const entries = new Map([["istio.io/rev", "1-28-1"]]);
    const table: Array<[string, SettingMap | undefined, (SettingMap & { isJob: boolean }) | undefined]> = [
        ["namespace.labels", { key: "namespace.labels", entries }, undefined],
        ["namespace.annotations", undefined, undefined],
        ["services.ledger.annotations", undefined, undefined],
        ["gateway.ingress.labels", undefined, undefined],
        [
            "deployments.ledger.spec.template.annotations",
            undefined,
            { key: "deployments.ledger.spec.template.annotations", entries, isJob: false },
        ],
        [
            "jobs.migrate.spec.template.annotations",
            undefined,
            { key: "jobs.migrate.spec.template.annotations", entries, isJob: true },
        ],
    ];
    for (const [key, labels, annotations] of table) {
        it(`${key}: ${labels ? "namespace labels" : annotations ? "pod template annotations" : "neither"}`, () => {
            const props = { spec: { key, value: "istio.io/rev=1-28-1" } };
            assert.deepEqual(
                [settingNamespaceLabels(SETTINGS, props), settingTemplateAnnotations(SETTINGS, props)],
                [labels, annotations],
            );
        });
    }
});
