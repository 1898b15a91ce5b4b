// native-sidecar-annotation, for mutation testing: which keys count as a misspelled sidecar.istio.io/nativeSidecar,
// the whole messages (misspelled key, bad value, istiod older than 1.24.0, cannot tell), what each fix says for
// "true" and "false", and where jobs-terminate-with-native-sidecars speaks instead. Inputs are built inside each
// `it` (docs/MUTATION.md).

import * as assert from "node:assert/strict";
import fc from "fast-check";
import { evaluatePolicies, PolicyConfigError, type StackResource } from "../../../policy/evaluate";
import { configSchemaOf, NO_FINDINGS } from "../../../policy/rule";
import {
    checkNativeSidecarAnnotation,
    isMisspelledNativeSidecarKey,
    rule,
} from "../../../policy/rules/native-sidecar-annotation";
import { UNKNOWN } from "../../support/policy/cases";
import { stackResource } from "../../support/stackResource";

const POLICY = "native-sidecar-annotation";
const NATIVE = "sidecar.istio.io/nativeSidecar";
const HELM = "kubernetes:helm.sh/v3:Release";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const JOB = "kubernetes:batch/v1:Job";
const SETTINGS = "kubernetes:formance.com/v1beta1:Settings";
const WHERE = "the pod template (spec.template.metadata.annotations)";
const WHY =
    "Istio reads it from 1.24.0 (istio/istio commit 78f4c95, PR #53490; tag 1.23.6 does not have it); older istiod ignores it";

const resource = stackResource;
const istiod = (version: unknown, name = "istiod") =>
    resource(HELM, name, {
        chart: "istiod",
        repositoryOpts: { repo: "https://istio-release.storage.googleapis.com/charts" },
        version,
        values: {},
    });
const pods = (type: string, annotations: Record<string, unknown>, name = "web") =>
    resource(type, name, {
        spec: { template: { metadata: { annotations }, spec: { containers: [{ name: "app", image: "a" }] } } },
    });
const setting = (key: string, value: string) =>
    resource(SETTINGS, "setting", {
        apiVersion: "formance.com/v1beta1",
        kind: "Settings",
        metadata: { name: "setting" },
        spec: { key, value, stacks: ["*"] },
    });

/** The policy's violations on the first resource: level and message. */
function violations(resources: StackResource[], config?: Record<string, unknown>) {
    const packConfig = config === undefined ? undefined : { [POLICY]: config };
    return evaluatePolicies(resources, packConfig)
        .filter((violation) => violation.policy === POLICY && violation.urn === resources[0].urn)
        .map((violation) => ({ level: violation.enforcementLevel, message: violation.message }));
}

describe("mutation: native-sidecar-annotation", () => {
    it("misspelled keys: the annotation's name after any prefix, in istio.io or none", () => {
        for (const key of [
            "nativeSidecar",
            "native-sidecar",
            "sidecar.istio.io/native-sidecar",
            "sidecar.istio.io/native-side",
            "proxy.istio.io/nativeSidecar",
            "istio.io/NativeSidecar",
        ]) {
            assert.equal(isMisspelledNativeSidecarKey(key), true, key);
        }
        for (const key of [
            NATIVE,
            "sidecar.istio.io/inject",
            "example.com/nativeSidecar",
            "istio.io.example.com/nativeSidecar",
            "sidecar.istio.io/native",
            "inject",
        ]) {
            assert.equal(isMisspelledNativeSidecarKey(key), false, key);
        }
    });

    it("misspelled keys: the name's first letter or digit decides before the rest, whatever precedes it", () => {
        for (const key of ["-native-sidecar", "istio.io/__Native_Sidecar", "istio.io/.n.a.t.i.v.e.s.i.d.e"]) {
            assert.equal(isMisspelledNativeSidecarKey(key), true, key);
        }
        // A digit or another letter first; "\u212A" (the Kelvin sign) lower-cases to "k".
        for (const key of ["1nativeSidecar", "istio.io/xnativeSidecar", "\u212Anativeside", "istio.io/-", ""]) {
            assert.equal(isMisspelledNativeSidecarKey(key), false, key);
        }
    });

    it("misspelled keys: any key is judged as its lower-cased name without other characters reads", () => {
        // The definition, spelled out: the name after the last "/" lower-cased and stripped of all but a-z and 0-9
        // starts with "nativeside", under no prefix or one ending in istio.io/.
        const definition = (key: string): boolean => {
            if (key === NATIVE) return false;
            const slash = key.lastIndexOf("/");
            const prefix = key.slice(0, slash + 1).toLowerCase();
            const name = key
                .slice(slash + 1)
                .toLowerCase()
                .replace(/[^a-z0-9]/g, "");
            return name.startsWith("nativeside") && (prefix === "" || prefix.endsWith("istio.io/"));
        };
        const piece = fc.constantFrom(
            "n",
            "N",
            "ative",
            "ATIVE",
            "side",
            "Sidecar",
            "car",
            "-",
            "_",
            ".",
            "/",
            "1",
            "x",
            "k",
            "\u212A",
            "\u0130",
            "\u00e9",
            "istio.io/",
            "sidecar.istio.io/",
            "example.com/",
        );
        fc.assert(
            fc.property(fc.array(piece, { maxLength: 10 }), (pieces) => {
                const key = pieces.join("");
                assert.equal(isMisspelledNativeSidecarKey(key), definition(key), JSON.stringify(key));
            }),
            { numRuns: 2000 },
        );
    });

    it("a misspelled key: the whole message and its fix", () => {
        assert.deepEqual(violations([pods(DEPLOYMENT, { "sidecar.istio.io/native-sidecar": "true" })]), [
            {
                level: "mandatory",
                message: `web (${DEPLOYMENT}): ${WHERE} has annotation "sidecar.istio.io/native-sidecar", which Istio ignores. Istio has no such annotation: the only key it reads is ${NATIVE} (camelCase; istio/api annotation/annotations.yaml, SidecarNativeSidecar); spellings such as sidecar.istio.io/native-sidecar, or native-side as in Istio's own 1.27 change notes, are ignored. Fix: rename it to ${NATIVE}.`,
            },
        ]);
    });

    it("a value other than true or false: the whole message and its fix", () => {
        assert.deepEqual(violations([pods(DEPLOYMENT, { [NATIVE]: "yes" }), istiod("1.28.1")]), [
            {
                level: "mandatory",
                message: `web (${DEPLOYMENT}): ${WHERE} sets ${NATIVE} to "yes". Istio accepts only "true" or "false" (istio/api annotation/annotations.yaml, SidecarNativeSidecar; istio.io "Istio 1.24.0 Change Notes"). Fix: write "true" or "false".`,
            },
        ]);
    });

    it('every istiod older than 1.24.0: each named in the message; "true" and "false" get their own fix', () => {
        const stack = (value: string) => [
            pods(DEPLOYMENT, { [NATIVE]: value }),
            istiod("1.23.6"),
            istiod("1.22.0", "old"),
        ];
        const older = `istiod (${HELM}) 1.23.6; old (${HELM}) 1.22.0`;
        assert.deepEqual(violations(stack("true")), [
            {
                level: "mandatory",
                message: `web (${DEPLOYMENT}): ${WHERE} uses ${NATIVE} but the stack's istiod is older than 1.24.0: ${older}. ${WHY}. Fix: upgrade istiod to 1.24.0 or later, or set ENABLE_NATIVE_SIDECARS mesh-wide instead.`,
            },
        ]);
        assert.deepEqual(violations(stack("false")), [
            {
                level: "mandatory",
                message: `web (${DEPLOYMENT}): ${WHERE} uses ${NATIVE} but the stack's istiod is older than 1.24.0: ${older}. ${WHY}. Fix: upgrade istiod to 1.24.0 or later, or remove the annotation (the pod gets the mesh-wide mode).`,
            },
        ]);
    });

    it("old istiods beside one whose version cannot be read: advisory, naming the old ones", () => {
        const found = violations([
            pods(DEPLOYMENT, { [NATIVE]: "true" }),
            istiod("1.23.6"),
            istiod("1.22.0", "old"),
            istiod(UNKNOWN, "unread"),
        ]);
        assert.deepEqual(found, [
            {
                level: "advisory",
                message: `web (${DEPLOYMENT}): ${WHERE} uses ${NATIVE}; pods served by istiod (${HELM}) 1.23.6; old (${HELM}) 1.22.0 ignore it (${WHY})`,
            },
        ]);
    });

    it("an unreadable value: cannot tell on a Deployment; on a Job that keeps injection, the Jobs rule says it", () => {
        assert.deepEqual(violations([pods(DEPLOYMENT, { [NATIVE]: UNKNOWN }), istiod("1.28.1")]), [
            {
                level: "advisory",
                message: `web (${DEPLOYMENT}): cannot tell the value of ${NATIVE} in ${WHERE}: secret, unknown or not a string`,
            },
        ]);
        assert.deepEqual(violations([pods(JOB, { [NATIVE]: UNKNOWN }), istiod("1.28.1")]), []);
    });

    it('"false" on a Job with old istiod is left to the Jobs rule; "true" there is not', () => {
        assert.deepEqual(violations([pods(JOB, { [NATIVE]: "false" }), istiod("1.23.6")]), []);
        assert.equal(violations([pods(JOB, { [NATIVE]: "true" }), istiod("1.23.6")]).length, 1);
        // A Job whose injection cannot be told is not left to the Jobs rule.
        const unsure = pods(JOB, { "sidecar.istio.io/inject": UNKNOWN, [NATIVE]: "false" });
        assert.equal(violations([unsure, istiod("1.23.6")]).length, 1);
    });

    it("Formance template Settings: a Job's \"false\" is left to the Jobs rule, a Deployment's is not", () => {
        const jobs = setting("jobs.ledger.spec.template.annotations", `${NATIVE}=false`);
        assert.deepEqual(violations([jobs, istiod("1.23.6")]), []);
        const deployments = setting("deployments.ledger.spec.template.annotations", `${NATIVE}=false`);
        assert.deepEqual(
            violations([deployments, istiod("1.23.6")]).map((found) => found.message),
            [
                `setting (${SETTINGS}): the Formance deployments.ledger.spec.template.annotations Setting uses ${NATIVE} but the stack's istiod is older than 1.24.0: istiod (${HELM}) 1.23.6. ${WHY}. Fix: upgrade istiod to 1.24.0 or later, or remove the annotation (the pod gets the mesh-wide mode).`,
            ],
        );
    });

    it("a Formance template Setting with injection off is not read", () => {
        const off = setting(
            "deployments.ledger.spec.template.annotations",
            "sidecar.istio.io/inject=false,sidecar.istio.io/native-sidecar=true",
        );
        assert.deepEqual(violations([off, istiod("1.28.1")]), []);
    });

    it("the floor must be a version: the schema has the pattern, the offline check refuses others", () => {
        assert.equal(typeof configSchemaOf(rule).properties.annotationMinIstioVersion.pattern, "string");
        assert.throws(
            () => violations([istiod("1.28.1")], { annotationMinIstioVersion: "next" }),
            (error: unknown) =>
                error instanceof PolicyConfigError &&
                error.message ===
                    `policy "${POLICY}": config "annotationMinIstioVersion" is "next"; expected a version such as "1.29"`,
        );
    });
});

describe("native-sidecar-annotation: nothing found", () => {
    it("answers the shared NO_FINDINGS for a resource without a pod template or Setting, or one without annotations", () => {
        const config = { annotationMinIstioVersion: "1.24.0" };
        const istiod = { versions: [], unreadable: 0 };
        const deployment = { spec: { template: { spec: { containers: [{ name: "app" }] } } } };
        assert.strictEqual(checkNativeSidecarAnnotation("kubernetes:core/v1:Service", {}, config, istiod), NO_FINDINGS);
        assert.strictEqual(
            checkNativeSidecarAnnotation("kubernetes:apps/v1:Deployment", deployment, config, istiod),
            NO_FINDINGS,
        );
    });
});
