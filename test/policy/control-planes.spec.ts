// Every place of Istio's install APIs where istiod's ENABLE_NATIVE_SIDECARS can be set (Helm values, value
// files, IstioOperator values/unvalidatedValues/k8s env/overlays, Sail, Alibaba's ASMMeshConfig), in each state;
// and the release fields and injection settings that can undo it after it is read.

import type { PolicyCase } from "./cases";
import { SECRET } from "./cases";
import { placeCases } from "./tableOfPlaces";
import { describeTables } from "./table";

const ON = { pilot: { env: { ENABLE_NATIVE_SIDECARS: "true" } } };
const release = (extra: Record<string, unknown>, values: Record<string, unknown> = ON) => ({
    type: "kubernetes:helm.sh/v3:Release",
    name: "istiod",
    props: { chart: "istiod", version: "1.28.1", values, ...extra },
});
const cannotTell = (match: RegExp) => [{ level: "advisory" as const, match }];

const overrides: PolicyCase[] = [
    {
        name: "a Release with a post-renderer: cannot tell even with the switch on",
        resources: [release({ postrender: "./rewrite.sh" })],
        expect: cannotTell(/postrender rewrites the rendered manifests/),
    },
    {
        name: "a v4 Chart with a postRenderer: cannot tell",
        resources: [{ ...release({ postRenderer: { command: "kustomize" } }), type: "kubernetes:helm.sh/v4:Chart" }],
        expect: cannotTell(/postRenderer rewrites/),
    },
    {
        name: "a Release that reuses the cluster's values: cannot tell",
        resources: [release({ reuseValues: true })],
        expect: cannotTell(/reuseValues merges the values of the release in the cluster/),
    },
    {
        name: "reuseValues false, resetValues, skipCrds change nothing read: silent",
        resources: [release({ reuseValues: false, resetValues: true, skipCrds: true })],
        expect: [],
    },
    {
        name: "a custom template replacing the built-in sidecar: cannot tell",
        resources: [release({}, { ...ON, sidecarInjectorWebhook: { templates: { sidecar: "spec: {}" } } })],
        expect: cannotTell(/replaces the built-in sidecar template/),
    },
    {
        name: "a custom template only for pods that ask for it: silent",
        resources: [release({}, { ...ON, sidecarInjectorWebhook: { templates: { hello: "metadata: {}" } } })],
        expect: [],
    },
    {
        name: "defaultTemplates applying another template to every pod: cannot tell",
        resources: [release({}, { ...ON, sidecarInjectorWebhook: { defaultTemplates: ["sidecar", "hello"] } })],
        expect: cannotTell(/defaultTemplates applies templates other than sidecar/),
    },
    {
        name: "defaultTemplates secret: cannot tell",
        resources: [release({}, { ...ON, sidecarInjectorWebhook: { defaultTemplates: SECRET } })],
        expect: cannotTell(/defaultTemplates cannot be read/),
    },
    {
        name: "injection sent to a remote istiod: cannot tell",
        resources: [release({}, { ...ON, istiodRemote: { injectionURL: "https://istiod.example:15017/inject" } })],
        expect: cannotTell(/istiodRemote sends injection to an istiod elsewhere/),
    },
    {
        name: "an off switch stays mandatory beside a post-renderer",
        resources: [release({ postrender: "./rewrite.sh" }, { pilot: { env: { ENABLE_NATIVE_SIDECARS: "false" } } })],
        expect: [{ level: "mandatory", match: /ENABLE_NATIVE_SIDECARS is "false"/ }],
    },
    {
        name: "IstioOperator overlay patching the istiod containers elsewhere: cannot tell",
        resources: [
            {
                type: "kubernetes:install.istio.io/v1alpha1:IstioOperator",
                name: "istio",
                props: {
                    spec: {
                        tag: "1.28.1",
                        values: ON,
                        components: {
                            pilot: {
                                k8s: {
                                    overlays: [
                                        {
                                            kind: "Deployment",
                                            name: "istiod",
                                            patches: [
                                                {
                                                    path: "spec.template.spec.containers.[name:discovery].envFrom",
                                                    value: [],
                                                },
                                            ],
                                        },
                                    ],
                                },
                            },
                        },
                    },
                },
            },
        ],
        expect: cannotTell(/patches spec\.template\.spec\.containers\.\[name:discovery\]\.envFrom/),
    },
    {
        name: "IstioOperator overlay on another kind: silent",
        resources: [
            {
                type: "kubernetes:install.istio.io/v1alpha1:IstioOperator",
                name: "istio",
                props: {
                    spec: {
                        tag: "1.28.1",
                        values: ON,
                        components: {
                            pilot: {
                                k8s: {
                                    overlays: [
                                        {
                                            kind: "Service",
                                            name: "istiod",
                                            patches: [{ path: "spec.type", value: "NodePort" }],
                                        },
                                    ],
                                },
                            },
                        },
                    },
                },
            },
        ],
        expect: [],
    },
    {
        name: "IstioOperator unvalidatedValues off over values on: mandatory (istioctl merges them over values)",
        resources: [
            {
                type: "kubernetes:install.istio.io/v1alpha1:IstioOperator",
                name: "istio",
                props: {
                    spec: {
                        tag: "1.28.1",
                        values: ON,
                        unvalidatedValues: { pilot: { env: { ENABLE_NATIVE_SIDECARS: "false" } } },
                    },
                },
            },
        ],
        expect: [{ level: "mandatory", match: /spec\.values\.pilot\.env\.ENABLE_NATIVE_SIDECARS is "false"/ }],
    },
];

describe("control-planes: every place of Istio's install APIs", () => {
    describeTables(placeCases("control-planes"));
    describe("what can undo the switch after it is read", () => {
        describeTables({ "native-sidecars-enabled": overrides });
    });
});
