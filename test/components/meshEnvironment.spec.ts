/**
 * MeshEnvironment under Pulumi's mocks: what it hands its parts from a validated stack configuration. On an
 * existing cluster, so that only the mesh, the namespaces and the canaries are declared.
 */
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { validateConfig } from "../../components/config/config";
import { MeshEnvironment } from "../../components/meshEnvironment";
import type { PlannedResource } from "../../cli/engine";
import { at, ofType, oneOfType, record } from "../support/plan";

/** A validated existing-cluster config with a Helm mesh section of `mesh`. */
const existing = (mesh: Record<string, unknown>, namespaces: unknown[] = [{ name: "payments" }]) =>
    validateConfig({
        cloud: "existing",
        existing: { kubeconfig: "~/.kube/config" },
        mesh: { method: "helm", ...mesh },
        namespaces,
    });

const plan = (spec: ReturnType<typeof validateConfig>) => record(() => new MeshEnvironment("env", { spec }));

/** ENABLE_NATIVE_SIDECARS of every istiod release, by the revision it installs. */
const istiodSwitches = (resources: PlannedResource[]) =>
    Object.fromEntries(
        ofType(resources, "kubernetes:helm.sh/v3:Release")
            .filter((release) => release.inputs.chart === "istiod")
            .map((release) => [at(release.inputs, "values.revision"), at(release.inputs, "values.pilot.env")]),
    );

/** The istio.io/rev label of each namespace the environment declares, by name. */
const revisionLabels = (resources: PlannedResource[]) =>
    Object.fromEntries(
        ofType(resources, "kubernetes:core/v1:Namespace").map((ns) => [
            at(ns.inputs, "metadata.name"),
            at(ns.inputs, "metadata.labels") as Record<string, string>,
        ]),
    );

describe("MeshEnvironment", () => {
    describe("mesh.nativeSidecars reaches the control plane", () => {
        for (const nativeSidecars of [true, false]) {
            it(`Helm: every istiod release runs with ENABLE_NATIVE_SIDECARS=${nativeSidecars}`, async () => {
                const res = await plan(
                    existing({ nativeSidecars, revisions: [{ version: "1.28.1" }, { version: "1.29.0" }] }, [
                        { name: "payments", revision: "1-29-0" },
                    ]),
                );
                const env = { ENABLE_NATIVE_SIDECARS: String(nativeSidecars) };
                assert.deepEqual(istiodSwitches(res), { "1-28-1": env, "1-29-0": env });
            });

            it(`asmcli: the overlay sets ENABLE_NATIVE_SIDECARS=${nativeSidecars}`, async () => {
                const res = await plan(
                    existing({
                        method: "asmcli",
                        version: "1.27.2-asm.1",
                        nativeSidecars,
                        asmcli: { path: "./asmcli", ca: "mesh_ca", outputDir: "asm-out", fleetId: "acme-fleet" },
                    }),
                );
                const install = oneOfType(res, "command:local:Command").inputs;
                const overlay = parse(String(at(install, "environment.NATIVEMESH_OVERLAY"))) as unknown;
                assert.deepEqual(at(overlay, "spec.values.pilot.env"), {
                    ENABLE_NATIVE_SIDECARS: String(nativeSidecars),
                });
            });
        }
    });

    describe("a namespace's revisionTag", () => {
        /** Two revisions side by side, `prod` at `at`; payments follows the tag, ledger names a revision. */
        const tagged = (at: string) =>
            existing(
                {
                    revisions: [{ version: "1.28.1" }, { version: "1.29.0" }],
                    revisionTags: [{ name: "prod", revision: at }],
                },
                [
                    { name: "payments", revisionTag: "prod" },
                    { name: "ledger", revision: "1-28-1" },
                ],
            );

        it("labels the namespace with the tag, never the revision the tag points at", async () => {
            const labels = revisionLabels(await plan(tagged("1-28-1")));
            assert.equal(labels.payments["istio.io/rev"], "prod");
            assert.equal(labels.ledger["istio.io/rev"], "1-28-1");
        });

        it("moving the tag leaves the namespace as it is: the tag's webhook moves its pods", async () => {
            const before = await plan(tagged("1-28-1"));
            const after = await plan(tagged("1-29-0"));
            // The user's namespaces; the canary's own namespaces do move with the tag, on purpose.
            const users = (res: PlannedResource[]) => {
                const { payments, ledger } = revisionLabels(res);
                return { payments, ledger };
            };
            assert.deepEqual(users(after), users(before));
            // What does move: the tag's objects, rendered for the revision it now points at.
            const tagRevision = (res: PlannedResource[]) =>
                ofType(res, "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration")
                    .map((hook) => at(hook.inputs, "metadata.labels") as Record<string, string>)
                    .filter((labels) => labels["istio.io/tag"] === "prod")
                    .map((labels) => labels["istio.io/rev"]);
            assert.deepEqual(tagRevision(before), ["1-28-1"]);
            assert.deepEqual(tagRevision(after), ["1-29-0"]);
        });
    });
});
