// What policy/helm-values.ts reads from an istiod Helm Release, as tables compared whole: which chart names are
// istiod's, which values look like istiod's, the values Helm would merge (files, then values, maps key by key),
// the image version istiod runs, and the compatibility version or profile the values ask for.

import * as assert from "node:assert/strict";
import {
    compatibilityOf,
    helmValues,
    imageVersion,
    istiodChart,
    looksLikeIstiodValues,
    tagOf,
} from "../../policy/helm-values";
import { CANNOT_TELL } from "../../policy/read";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = { [SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };
const ASSET = "c44067f5952c0a294b673a41bacd8c17";
const textAsset = (text: string) => ({ [SIG]: ASSET, text });

function label(value: unknown): string {
    return value === CANNOT_TELL ? "cannot tell" : JSON.stringify(value);
}

describe("policy helm values (b): istiodChart", () => {
    const table: Array<[unknown, { packageVersion: string } | undefined]> = [
        ["istiod", { packageVersion: "" }],
        ["istio/istiod", { packageVersion: "" }],
        ["https://charts.example.com/istio/istiod?ref=1.24#top", { packageVersion: "" }],
        ["istiod?ab", { packageVersion: "" }],
        ["istiod#x", { packageVersion: "" }],
        ["./charts/istiod//", { packageVersion: "" }],
        ["istiod/", { packageVersion: "" }],
        ["istiod-1.18.2.tgz", { packageVersion: "1.18.2" }],
        ["charts/istiod-v1.24.0.tar.gz", { packageVersion: "v1.24.0" }],
        ["istiod-10.1.2.tgz", { packageVersion: "10.1.2" }],
        ["istiod-1.18.2-rc.1.tgz", { packageVersion: "1.18.2-rc.1" }],
        ["myistiod-1.18.2.tgz", undefined],
        ["istiod-1.18.2.tgz.bak", undefined],
        ["istiod-1.18.tgz", undefined],
        ["istio-base", undefined],
        ["istiod-canary", undefined],
        [42, undefined],
        [undefined, undefined],
    ];
    for (const [chart, expected] of table) {
        it(`${label(chart)}: ${label(expected)}`, () => assert.deepEqual(istiodChart(chart), expected));
    }
});

describe("policy helm values (b): looksLikeIstiodValues", () => {
    const table: Array<[unknown, boolean]> = [
        [{ pilot: {} }, true],
        [{ meshConfig: {} }, true],
        [{ revisionTags: [] }, true],
        [{ sidecarInjectorWebhook: {} }, true],
        [{ global: {}, gateways: {} }, false],
        [{}, false],
        ["pilot", false],
        [undefined, false],
    ];
    for (const [values, expected] of table) {
        it(`${label(values)}: ${expected}`, () => assert.equal(looksLikeIstiodValues(values), expected));
    }
});

// 33 levels of maps under `k`, each but the last with its own key `x`: Helm's merge stops descending past 32.
function nested(depth: number, leaf: Record<string, unknown>, withX: boolean): Record<string, unknown> {
    if (depth === 33) return leaf;
    const inner = nested(depth + 1, leaf, withX);
    return withX ? { k: inner, x: depth } : { k: inner };
}

describe("policy helm values (b): helmValues", () => {
    const table: Array<[string, () => unknown, { values: unknown; unreadable: string | undefined }]> = [
        ["nothing given", () => ({}), { values: {}, unreadable: undefined }],
        [
            "files then values, maps merged key by key",
            () => ({
                valueYamlFiles: [textAsset("pilot:\n  env:\n    A: a\n  tag: 1\n"), textAsset("pilot:\n  tag: 2\n")],
                values: { pilot: { env: { B: "b" } }, global: { hub: "h" } },
            }),
            { values: { pilot: { env: { A: "a", B: "b" }, tag: 2 }, global: { hub: "h" } }, unreadable: undefined },
        ],
        [
            "a value given as undefined keeps the file's",
            () => ({ valueYamlFiles: [textAsset("pilot:\n  tag: 1\n")], values: { pilot: undefined } }),
            { values: { pilot: { tag: 1 } }, unreadable: undefined },
        ],
        [
            "valueYamlFiles a secret",
            () => ({ valueYamlFiles: SECRET, values: { pilot: { tag: "1" } } }),
            { values: { pilot: { tag: "1" } }, unreadable: "valueYamlFiles cannot be read" },
        ],
        [
            "a values file that is not YAML",
            () => ({ valueYamlFiles: [textAsset("a: [b"), textAsset("c: {")], values: { d: 1 } }),
            { values: { d: 1 }, unreadable: "valueYamlFiles[0] is not YAML" },
        ],
        [
            "a values file given as a path",
            () => ({ valueYamlFiles: [{ [SIG]: ASSET, path: "values.yaml" }, textAsset("a: [b")] }),
            {
                values: {},
                unreadable:
                    "valueYamlFiles[0] is a file or URL the pack cannot see (only a string asset's text is in the state)",
            },
        ],
        [
            "values unknown",
            () => ({ valueYamlFiles: [textAsset("a: 1\n")], values: UNKNOWN }),
            { values: { a: 1 }, unreadable: "values cannot be read" },
        ],
        [
            "values not a map",
            () => ({ valueYamlFiles: [textAsset("a: 1\n")], values: "pilot: {}" }),
            { values: { a: 1 }, unreadable: "values is not a map" },
        ],
        [
            "maps merged 32 deep, the rest replaced",
            () => ({
                valueYamlFiles: [textAsset(JSON.stringify(nested(0, { a: 1 }, true)))],
                values: nested(0, { b: 2 }, false),
            }),
            { values: nested(0, { b: 2 }, true), unreadable: undefined },
        ],
    ];
    for (const [name, props, expected] of table) {
        it(name, () => assert.deepEqual(helmValues(props()), expected));
    }
});

describe("policy helm values (b): imageVersion and tagOf", () => {
    const table: Array<[string, () => unknown, unknown]> = [
        ["nothing", () => ({}), undefined],
        [
            "pilot.image with a registry",
            () => ({ pilot: { image: "docker.io/istio/pilot:1.24.1" }, image: "x/y:1" }),
            { field: "pilot.image", text: "1.24.1" },
        ],
        ["top-level image", () => ({ image: "docker.io/istio/pilot:1.20.0" }), { field: "image", text: "1.20.0" }],
        [
            "pilot.image a secret",
            () => ({ pilot: { image: SECRET }, image: "x/y:1" }),
            { field: "pilot.image", text: CANNOT_TELL },
        ],
        ["image without a /, then tag", () => ({ image: "pilot", tag: "1.2" }), { field: "values.tag", text: "1.2" }],
        ["pilot.tag", () => ({ pilot: { tag: "1.21.0" }, tag: "9" }), { field: "values.pilot.tag", text: "1.21.0" }],
        ["an empty pilot.tag", () => ({ pilot: { tag: "" }, tag: "1.3" }), { field: "values.tag", text: "1.3" }],
        ["a number tag", () => ({ tag: 1.2 }), { field: "values.tag", text: "1.2" }],
        ["a secret tag", () => ({ global: { tag: SECRET } }), { field: "values.global.tag", text: CANNOT_TELL }],
        ["global.tag", () => ({ global: { tag: "1.22.0" } }), { field: "values.global.tag", text: "1.22.0" }],
    ];
    for (const [name, values, expected] of table) {
        it(name, () => assert.deepEqual(imageVersion(values()), expected));
    }

    const tags: Array<[string, unknown]> = [
        ["docker.io/istio/pilot:1.24.1", "1.24.1"],
        ["registry:5000/istio/pilot:1.2", "1.2"],
        ["registry:/pilot:1.2", "1.2"],
        ["istio/:1.2", "1.2"],
        ["istio/pilot", CANNOT_TELL],
        ["istio/pilot@sha256:abc", CANNOT_TELL],
    ];
    for (const [image, expected] of tags) {
        it(`tagOf ${image}: ${label(expected)}`, () => assert.equal(tagOf(image), expected));
    }
});

describe("policy helm values (b): compatibilityOf", () => {
    const table: Array<[string, () => unknown, boolean, unknown]> = [
        [
            "an empty compatibilityVersion, then the profile",
            () => ({ compatibilityVersion: "", profile: "compatibility-version-1.24" }),
            true,
            { field: "p.profile", text: "1.24" },
        ],
        ["a number", () => ({ compatibilityVersion: 1.25 }), false, { field: "p.compatibilityVersion", text: "1.25" }],
        ["profiles not read for istioctl", () => ({ profile: "compatibility-version-1.24" }), false, undefined],
        [
            "an empty profile, then global.profile",
            () => ({ profile: "", global: { profile: "compatibility-version-1.25" } }),
            true,
            { field: "p.global.profile", text: "1.25" },
        ],
        [
            "a profile that only ends like one",
            () => ({ profile: "my-compatibility-version-1.24" }),
            true,
            { field: "p.profile", text: CANNOT_TELL },
        ],
        [
            "a profile on two lines",
            () => ({ profile: "compatibility-version-1.24\nx" }),
            true,
            { field: "p.profile", text: CANNOT_TELL },
        ],
        ["a secret profile", () => ({ profile: SECRET }), true, { field: "p.profile", text: CANNOT_TELL }],
        ["an unknown profile name", () => ({ profile: "corp" }), true, { field: "p.profile", text: CANNOT_TELL }],
    ];
    for (const [name, values, readProfile, expected] of table) {
        it(name, () => assert.deepEqual(compatibilityOf(values(), "p.", readProfile), expected));
    }

    const known = [
        "ambient",
        "ambient-windows",
        "default",
        "demo",
        "empty",
        "gatewayapi",
        "minimal",
        "openshift",
        "openshift-ambient",
        "preview",
        "remote",
        "stable",
    ];
    for (const profile of known) {
        it(`Istio's profile ${profile}: none asked`, () =>
            assert.equal(compatibilityOf({ profile }, "p.", true), undefined));
    }
});
