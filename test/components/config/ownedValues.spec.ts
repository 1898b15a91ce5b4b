// Chart values nativemesh sets itself (components/config/ownedValues.ts): refused where the user gives them, each
// with its whole one-line message naming the key that sets it; values nativemesh does not set pass through.

import * as assert from "node:assert/strict";
import { validateConfig } from "../../../components/config/config";
import { itRefuses, type RefusalRow } from "../../support/configFixtures";
import { istiodValues } from "../../../components/render/istioValues";

const existing = (mesh: Record<string, unknown>) => ({
    cloud: "existing",
    existing: { kubeconfig: "~/.kube/config" },
    mesh: { method: "helm", version: "1.30.3", ...mesh },
});
/** Two revisions side by side, the given values on the mesh and on the second revision. */
const two = (meshValues: Record<string, unknown>, revisionValues?: Record<string, unknown>) => ({
    cloud: "existing",
    existing: { kubeconfig: "~/.kube/config" },
    mesh: {
        method: "helm",
        revisions: [
            { version: "1.30.3" },
            { version: "1.31.0", ...(revisionValues ? { istiodValues: revisionValues } : {}) },
        ],
        istiodValues: meshValues,
    },
    namespaces: [{ name: "apps", revision: "1-30-3" }],
});

const REPLICAS = "is set by nativemesh from mesh.istiodReplicas (1-10)";
const NATIVE = "is set by nativemesh from mesh.nativeSidecars";

describe("owned chart values: refused with the key that sets them", () => {
    const rows: RefusalRow[] = [
        [
            "istiodValues.revision",
            () => existing({ istiodValues: { revision: "canary" } }),
            'nativemesh:mesh.istiodValues.revision: is set by nativemesh from mesh.revisions[].revision (or mesh.revision): name the revision there (got "canary")',
        ],
        [
            "istiodValues.revisionTags (a tag inside a release would be rendered twice and moved back by Helm)",
            () => existing({ istiodValues: { revisionTags: ["prod"] } }),
            'nativemesh:mesh.istiodValues.revisionTags: is set by nativemesh from mesh.revisionTags, rendered apart from any release so that a tag can move: list the tag there (got ["prod"])',
        ],
        [
            "istiodValues.pilot.autoscaleMin",
            () => existing({ istiodValues: { pilot: { autoscaleMin: 3 } } }),
            `nativemesh:mesh.istiodValues.pilot.autoscaleMin: ${REPLICAS} (got 3)`,
        ],
        [
            "istiodValues.pilot.autoscaleMax",
            () => existing({ istiodValues: { pilot: { autoscaleMax: 8 } } }),
            `nativemesh:mesh.istiodValues.pilot.autoscaleMax: ${REPLICAS} (got 8)`,
        ],
        [
            "istiodValues.pilot.replicaCount",
            () => existing({ istiodValues: { pilot: { replicaCount: 1 } } }),
            `nativemesh:mesh.istiodValues.pilot.replicaCount: ${REPLICAS} (got 1)`,
        ],
        [
            "istiodValues.autoscaleMin, the flattened form charts from 1.24 read",
            () => existing({ istiodValues: { autoscaleMin: 3 } }),
            `nativemesh:mesh.istiodValues.autoscaleMin: ${REPLICAS} (got 3)`,
        ],
        [
            "istiodValues.autoscaleMax, flattened",
            () => existing({ istiodValues: { autoscaleMax: 3 } }),
            `nativemesh:mesh.istiodValues.autoscaleMax: ${REPLICAS} (got 3)`,
        ],
        [
            "istiodValues.replicaCount, flattened",
            () => existing({ istiodValues: { replicaCount: 3 } }),
            `nativemesh:mesh.istiodValues.replicaCount: ${REPLICAS} (got 3)`,
        ],
        [
            "istiodValues.pilot.env.ENABLE_NATIVE_SIDECARS",
            () => existing({ istiodValues: { pilot: { env: { ENABLE_NATIVE_SIDECARS: "false" } } } }),
            `nativemesh:mesh.istiodValues.pilot.env.ENABLE_NATIVE_SIDECARS: ${NATIVE} (got "false")`,
        ],
        [
            "istiodValues.env.ENABLE_NATIVE_SIDECARS, flattened",
            () => existing({ istiodValues: { env: { ENABLE_NATIVE_SIDECARS: "auto" } } }),
            `nativemesh:mesh.istiodValues.env.ENABLE_NATIVE_SIDECARS: ${NATIVE} (got "auto")`,
        ],
        [
            "istiodValues.global.istioNamespace",
            () => existing({ istiodValues: { global: { istioNamespace: "mesh" } } }),
            'nativemesh:mesh.istiodValues.global.istioNamespace: is set by nativemesh from mesh.namespace (got "mesh")',
        ],
        [
            "a revision's own istiodValues.revision",
            () => two({}, { revision: "x" }),
            'nativemesh:mesh.revisions[1].istiodValues.revision: is set by nativemesh from mesh.revisions[].revision (or mesh.revision): name the revision there (got "x")',
        ],
        [
            "a revision's own istiodValues.pilot.autoscaleMin",
            () => two({}, { pilot: { autoscaleMin: 4 } }),
            `nativemesh:mesh.revisions[1].istiodValues.pilot.autoscaleMin: ${REPLICAS} (got 4)`,
        ],
        [
            "the mesh-wide injection URL with several revisions (every revision's pods would go to one istiod)",
            () => two({ istiodRemote: { injectionURL: "https://10.0.0.1:15017/inject" } }),
            'nativemesh:mesh.istiodValues.istiodRemote.injectionURL: would send the pods of all 2 revisions to one istiod: each revision\'s webhooks need their own, so set it in mesh.revisions[i].istiodValues (got "https://10.0.0.1:15017/inject")',
        ],
        [
            "baseValues.defaultRevision",
            () => existing({ baseValues: { defaultRevision: "1-30-3" } }),
            'nativemesh:mesh.baseValues.defaultRevision: is set by nativemesh from mesh.defaultRevision (got "1-30-3")',
        ],
        [
            "baseValues.global.istioNamespace",
            () => existing({ baseValues: { global: { istioNamespace: "x" } } }),
            'nativemesh:mesh.baseValues.global.istioNamespace: is set by nativemesh from mesh.namespace (got "x")',
        ],
    ];
    itRefuses(rows);

    it("takes values nativemesh does not set, and an injection URL per revision or in a one-revision mesh", () => {
        assert.doesNotThrow(() =>
            validateConfig(
                existing({
                    istiodValues: {
                        pilot: { resources: { requests: { cpu: "500m" } }, env: { PILOT_TRACE_SAMPLING: "1" } },
                        global: { hub: "docker.io/istio" },
                        istiodRemote: { injectionURL: "https://127.0.0.1:15017/inject" },
                    },
                    baseValues: { base: { validationURL: "https://127.0.0.1:15017/validate" } },
                }),
            ),
        );
        assert.doesNotThrow(() =>
            validateConfig(two({}, { istiodRemote: { injectionURL: "https://127.0.0.1:15018/inject" } })),
        );
    });
});

describe("istiodReplicas: any accepted value gives an HPA the API server takes", () => {
    for (const replicas of [1, 2, 5, 6, 7, 10]) {
        it(`${replicas} replica(s): autoscaleMin ${replicas}, autoscaleMax at least that and at least the chart's 5`, () => {
            const pilot = istiodValues({
                version: "1.30.3",
                revision: "1-30-3",
                revisionTags: [],
                nativeSidecars: true,
                namespace: "istio-system",
                replicas,
                extra: {},
            }).pilot as Record<string, number>;
            assert.equal(pilot.autoscaleMin, replicas);
            assert.equal(pilot.replicaCount, replicas);
            assert.equal(pilot.autoscaleMax, Math.max(5, replicas));
            assert.ok(pilot.autoscaleMin <= pilot.autoscaleMax);
        });
    }
});
