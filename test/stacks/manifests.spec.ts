import * as assert from "node:assert/strict";
import { planShipped, shippedStackNames } from "../support/plan";
import { SHARED_SCHEMAS_DIR, sharedSchemasAvailable, validateIstiodValues, validateManifest } from "../support/schemas";

/**
 * Every Kubernetes object of every shipped plan against the upstream schemas in ../shared/schemas
 * (Kubernetes 1.33 OpenAPI with unknown fields as errors, the Formance Settings CRD), and every istiod Helm
 * release's values against the Sail operator's values schema.
 */
describe("manifests of every shipped stack validate against the upstream schemas", function () {
    before(function () {
        if (!sharedSchemasAvailable()) {
            // ../shared is beside the project in CI only; a user's clone has nothing to check against.
            console.log(`    skipped: upstream schemas not found at ${SHARED_SCHEMAS_DIR}`);
            this.skip();
        }
    });

    for (const stack of shippedStackNames()) {
        it(`${stack}: every Kubernetes object and istiod's values`, async () => {
            const plan = await planShipped(stack);
            const problems: string[] = [];
            let objects = 0;
            for (const r of plan.resources) {
                if (!r.custom) continue;
                if (r.type === "kubernetes:helm.sh/v3:Release") {
                    if (r.inputs.chart !== "istiod") continue;
                    for (const p of validateIstiodValues(r.inputs.values))
                        problems.push(`${r.name} values ${p.path}: ${p.message}`);
                } else if (r.urn.includes("kubernetes:helm.sh/v3:Chart$")) {
                    // Rendered by Helm from Istio's chart (offline by a stand-in); not ours to check here: the
                    // end-to-end suite has the real API server take the real rendering.
                    continue;
                } else if (r.type.startsWith("kubernetes:")) {
                    objects++;
                    for (const p of validateManifest(r.inputs)) problems.push(`${r.name} ${p.path}: ${p.message}`);
                }
            }
            assert.ok(objects > 0, "the plan has Kubernetes objects");
            assert.deepEqual(problems, []);
        });
    }
});
