import * as assert from "node:assert/strict";
import { baseValues, deepMerge, istiodValues, nativeSidecarEnv } from "../../../components/render/istioValues";

describe("nativeSidecarEnv: the ENABLE_NATIVE_SIDECARS value for a version", () => {
    const table: Array<[string, boolean, string | undefined]> = [
        ["1.18.9", true, undefined], // istiod before 1.19 does not read it (FACTS.md)
        ["1.19.0", true, "true"],
        ["1.19.10-asm.26", true, "true"],
        ["1.26.4", false, "false"],
        ["1.27.0", true, "true"], // never "auto": off below kubelet 1.33
        ["latest", true, undefined],
    ];
    for (const [version, enabled, expected] of table) {
        it(`${version}, ${enabled ? "on" : "off"} → ${String(expected)}`, () =>
            assert.equal(nativeSidecarEnv(version, enabled), expected));
    }
});

describe("istiodValues and deepMerge", () => {
    it("merges nested objects, replaces arrays and scalars, and changes neither input", () => {
        const under = { a: { b: 1, c: [1, 2] }, d: "x" };
        const over = { a: { c: [3], e: true }, d: "y" };
        assert.deepEqual(deepMerge(under, over), { a: { b: 1, c: [3], e: true }, d: "y" });
        assert.deepEqual(under, { a: { b: 1, c: [1, 2] }, d: "x" });
    });

    it("lets a null over an object replace it (Helm reads a null value as: remove this key)", () => {
        assert.deepEqual(deepMerge({ a: { b: 1 }, c: null }, { a: null, c: { d: 1 } }), { a: null, c: { d: 1 } });
    });

    it("tells base the control plane's namespace too, where its default validator must point", () => {
        assert.deepEqual(baseValues("1-28-1", true), { defaultRevision: "1-28-1" });
        assert.deepEqual(baseValues("1-28-1", false, "mesh"), {
            defaultRevision: "",
            global: { istioNamespace: "mesh" },
        });
    });

    it('passes defaultRevision "" when not the default, so base renders no validator for a missing `istiod` Service', () => {
        // base's own default is "default" (istio/istio manifests/charts/base/values.yaml), which renders
        // istiod-default-validator pointing at Service `istiod`, absent from a revisioned install.
        assert.equal(baseValues("1-28-1", false).defaultRevision, "");
    });

    it("merges user base values under ours", () => {
        const values = baseValues("1-28-1", true, "istio-system", {
            base: { validationURL: "https://127.0.0.1:15017/validate" },
            defaultRevision: "other",
        });
        assert.deepEqual(values, {
            base: { validationURL: "https://127.0.0.1:15017/validate" },
            defaultRevision: "1-28-1",
        });
    });

    it("runs istiod with the replicas asked for, as autoscaler minimum and replica count", () => {
        const values = istiodValues({
            version: "1.28.1",
            revision: "1-28-1",
            revisionTags: [],
            nativeSidecars: true,
            namespace: "istio-system",
            replicas: 2,
            extra: { pilot: { autoscaleMin: 1 } },
        });
        assert.deepEqual(values.pilot, { autoscaleMin: 2, replicaCount: 2, env: { ENABLE_NATIVE_SIDECARS: "true" } });
    });

    it("names the control plane's namespace only when it is not istio-system", () => {
        const base = {
            version: "1.28.1",
            revision: "1-28-1",
            revisionTags: [],
            nativeSidecars: true,
            replicas: 2,
            extra: {},
        };
        assert.equal(istiodValues({ ...base, namespace: "istio-system" }).global, undefined);
        assert.deepEqual(istiodValues({ ...base, namespace: "mesh" }).global, { istioNamespace: "mesh" });
    });
});
