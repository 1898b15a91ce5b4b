// Mutation tests for istiodManifestOf (policy/istiod-manifest.ts): which Deployment container is istiod (named
// `discovery`, or running a `pilot` image), its tag, its ENABLE_NATIVE_SIDECARS entry (value, unreadable list or
// entry, valueFrom, envFrom) and its revision label. Each row compares the whole answer.

import * as assert from "node:assert/strict";
import { istiodManifestOf, type IstiodManifest } from "../../policy/istiod-manifest";
import { CANNOT_TELL } from "../../policy/read";

const VARIABLE = "ENABLE_NATIVE_SIDECARS";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

function deployment(containers: unknown, labels?: Record<string, unknown>): Record<string, unknown> {
    return { metadata: labels ? { labels } : {}, spec: { template: { spec: { containers } } } };
}

const C0 = "spec.template.spec.containers[0]";

describe("policy readers: istiodManifestOf", () => {
    const table: Array<[string, () => [string, unknown], IstiodManifest | undefined]> = [
        [
            "a discovery container with a tag and the variable",
            () => [
                DEPLOYMENT,
                deployment([
                    {
                        name: "discovery",
                        image: "docker.io/istio/pilot:1.24.0",
                        env: [{ name: VARIABLE, value: "true" }],
                    },
                ]),
            ],
            {
                patch: false,
                tag: { field: `${C0}.image`, text: "1.24.0" },
                env: { field: `${C0}.env[0].value`, value: "true" },
                revision: undefined,
            },
        ],
        [
            "a DeploymentPatch (extensions) without an image",
            () => ["kubernetes:extensions/v1beta1:DeploymentPatch", deployment([{ name: "discovery" }])],
            { patch: true, tag: undefined, env: undefined, revision: undefined },
        ],
        ["not a Deployment", () => ["kubernetes:apps/v1:StatefulSet", deployment([{ name: "discovery" }])], undefined],
        [
            "a type that only ends like one",
            () => ["xkubernetes:apps/v1:Deployment", deployment([{ name: "discovery" }])],
            undefined,
        ],
        [
            "a type that only starts like one",
            () => ["kubernetes:apps/v1:Deploymentx", deployment([{ name: "discovery" }])],
            undefined,
        ],
        ["no containers", () => [DEPLOYMENT, { spec: {} }], undefined],
        ["no istiod container", () => [DEPLOYMENT, deployment([{ name: "app", image: "nginx:1" }])], undefined],
        [
            "a pilot image under another name, after an entry that is no object",
            () => [DEPLOYMENT, deployment([null, { name: "x", image: "gcr.io/istio-release/pilot:1.22.3" }])],
            {
                patch: false,
                tag: { field: "spec.template.spec.containers[1].image", text: "1.22.3" },
                env: undefined,
                revision: undefined,
            },
        ],
        [
            "a bare pilot image with a digest",
            () => [DEPLOYMENT, deployment([{ name: "x", image: "pilot@sha256:abc" }])],
            { patch: false, tag: { field: `${C0}.image`, text: CANNOT_TELL }, env: undefined, revision: undefined },
        ],
        [
            "a bare pilot image without a tag",
            () => [DEPLOYMENT, deployment([{ name: "x", image: "pilot" }])],
            { patch: false, tag: { field: `${C0}.image`, text: CANNOT_TELL }, env: undefined, revision: undefined },
        ],
        [
            "a pilot-agent image is not istiod",
            () => [DEPLOYMENT, deployment([{ name: "x", image: "istio/pilot-agent:1" }])],
            undefined,
        ],
        [
            "an image ending in pilot is not istiod",
            () => [DEPLOYMENT, deployment([{ name: "x", image: "istio/xpilot:1" }])],
            undefined,
        ],
        ["an image that is no string", () => [DEPLOYMENT, deployment([{ name: "x", image: 5 }])], undefined],
        [
            "an unreadable env list",
            () => [DEPLOYMENT, deployment([{ name: "discovery", env: "x" }])],
            { patch: false, tag: undefined, env: { field: `${C0}.env`, value: CANNOT_TELL }, revision: undefined },
        ],
        [
            "an env entry that is no object",
            () => [DEPLOYMENT, deployment([{ name: "discovery", env: [{ name: "A", value: "1" }, "x"] }])],
            { patch: false, tag: undefined, env: { field: `${C0}.env[1]`, value: CANNOT_TELL }, revision: undefined },
        ],
        [
            "other variables only",
            () => [DEPLOYMENT, deployment([{ name: "discovery", env: [{ name: "A", value: "1" }] }])],
            { patch: false, tag: undefined, env: undefined, revision: undefined },
        ],
        [
            "the last of repeated entries, one without a value",
            () => [
                DEPLOYMENT,
                deployment([
                    {
                        name: "discovery",
                        env: [{ name: VARIABLE, value: "true" }, { name: "A", value: "1" }, { name: VARIABLE }],
                    },
                ]),
            ],
            { patch: false, tag: undefined, env: { field: `${C0}.env[2].value`, value: "" }, revision: undefined },
        ],
        [
            "valueFrom",
            () => [DEPLOYMENT, deployment([{ name: "discovery", env: [{ name: VARIABLE, valueFrom: {} }] }])],
            {
                patch: false,
                tag: undefined,
                env: { field: `${C0}.env[0].value`, value: CANNOT_TELL },
                revision: undefined,
            },
        ],
        [
            "envFrom without an entry",
            () => [DEPLOYMENT, deployment([{ name: "discovery", envFrom: [] }])],
            { patch: false, tag: undefined, env: { field: `${C0}.envFrom`, value: CANNOT_TELL }, revision: undefined },
        ],
        [
            "an explicit entry beats envFrom",
            () => [
                DEPLOYMENT,
                deployment([{ name: "discovery", envFrom: [], env: [{ name: VARIABLE, value: "false" }] }]),
            ],
            { patch: false, tag: undefined, env: { field: `${C0}.env[0].value`, value: "false" }, revision: undefined },
        ],
        [
            "a revision label",
            () => [DEPLOYMENT, deployment([{ name: "discovery" }], { "istio.io/rev": "asm-1-24" })],
            { patch: false, tag: undefined, env: undefined, revision: "asm-1-24" },
        ],
        [
            "the default revision",
            () => [DEPLOYMENT, deployment([{ name: "discovery" }], { "istio.io/rev": "default" })],
            { patch: false, tag: undefined, env: undefined, revision: undefined },
        ],
        [
            "an empty revision",
            () => [DEPLOYMENT, deployment([{ name: "discovery" }], { "istio.io/rev": "" })],
            { patch: false, tag: undefined, env: undefined, revision: undefined },
        ],
        [
            "an unreadable revision",
            () => [DEPLOYMENT, deployment([{ name: "discovery" }], { "istio.io/rev": 5 })],
            { patch: false, tag: undefined, env: undefined, revision: CANNOT_TELL },
        ],
    ];
    for (const [name, input, expected] of table) {
        it(name, () => {
            const [type, props] = input();
            assert.deepStrictEqual(istiodManifestOf(type, props, VARIABLE), expected);
        });
    }
});
