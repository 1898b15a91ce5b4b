import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { renderAsmOverlay } from "../../../components/render/asmOverlay";
import {
    baseValues,
    cniValues,
    deepMerge,
    istiodValues,
    nativeSidecarEnv,
} from "../../../components/render/istioValues";

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
        assert.deepEqual(values.pilot, {
            autoscaleMin: 2,
            autoscaleMax: 5,
            replicaCount: 2,
            env: { ENABLE_NATIVE_SIDECARS: "true" },
        });
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

describe("Istio CNI values (istiod, the cni chart, the asmcli overlay)", () => {
    const istiod = (cni: boolean | undefined, extra: Record<string, unknown> = {}, namespace = "istio-system") =>
        istiodValues({
            version: "1.31.0",
            revision: "1-31-0",
            revisionTags: [],
            nativeSidecars: true,
            namespace,
            replicas: 2,
            extra,
            cni,
        });

    it("tells istiod to inject for CNI (pilot.cni.enabled) and puts RuntimeDefault seccomp on what it injects", () => {
        assert.deepEqual(istiod(true), {
            revision: "1-31-0",
            pilot: {
                autoscaleMin: 2,
                autoscaleMax: 5,
                replicaCount: 2,
                env: { ENABLE_NATIVE_SIDECARS: "true" },
                cni: { enabled: true },
            },
            global: { proxy: { seccompProfile: { type: "RuntimeDefault" } } },
        });
    });

    it("keeps both over user values, and the control plane's namespace beside them", () => {
        const values = istiod(
            true,
            { pilot: { cni: { enabled: false, provider: "multus" } }, global: { hub: "mirror.example/istio" } },
            "mesh",
        );
        assert.deepEqual(values.pilot, {
            autoscaleMin: 2,
            autoscaleMax: 5,
            replicaCount: 2,
            env: { ENABLE_NATIVE_SIDECARS: "true" },
            cni: { enabled: true, provider: "multus" },
        });
        assert.deepEqual(values.global, {
            hub: "mirror.example/istio",
            istioNamespace: "mesh",
            proxy: { seccompProfile: { type: "RuntimeDefault" } },
        });
    });

    it("says nothing of CNI when it is off or not asked for", () => {
        for (const cni of [false, undefined]) {
            const values = istiod(cni);
            assert.equal((values.pilot as Record<string, unknown>).cni, undefined);
            assert.equal(values.global, undefined);
        }
    });

    it("gives the cni chart GKE's bin dir, platform profile and quota on GKE, and the chart's defaults elsewhere", () => {
        assert.deepEqual(cniValues({ gke: true }), {
            cni: { cniBinDir: "/home/kubernetes/bin", resourceQuotas: { enabled: true } },
            global: { platform: "gke" },
        });
        assert.deepEqual(cniValues({ gke: false }), {});
    });

    it("turns on the asmcli overlay's cni component as Google's cni-gcp option does, and pilot.cni with it", () => {
        assert.deepEqual(parse(renderAsmOverlay("1.27.8-asm.9", true, { gke: true })), {
            apiVersion: "install.istio.io/v1alpha1",
            kind: "IstioOperator",
            spec: {
                components: { cni: { enabled: true, namespace: "kube-system" } },
                values: {
                    cni: { cniBinDir: "/home/kubernetes/bin", excludeNamespaces: ["istio-system", "kube-system"] },
                    global: { proxy: { seccompProfile: { type: "RuntimeDefault" } } },
                    pilot: { env: { ENABLE_NATIVE_SIDECARS: "true" }, cni: { enabled: true } },
                },
            },
        });
        const offGke = parse(renderAsmOverlay("1.27.8-asm.9", true, { gke: false })) as {
            spec: { values: { cni: Record<string, unknown> } };
        };
        assert.deepEqual(offGke.spec.values.cni, { excludeNamespaces: ["istio-system", "kube-system"] });
    });
});
