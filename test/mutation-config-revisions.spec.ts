// The revision planner (components/config/revisions.ts) beyond test/revisions.spec.ts, written for the mutation
// score of the config group (docs/MUTATION.md): the label each selector puts in `istio.io/rev` (selectionOf,
// what components/meshEnvironment.ts labels namespaces with), the plan's exact shape, and the lists the
// refusals quote when they hold more than one name.

import * as assert from "node:assert/strict";
import { validateConfig } from "../components/config/config";
import { itRefuses, type RefusalRow } from "./support/configFixtures";
import { planRevisions, selectedBy, selectionOf, type MeshRevisionConfig } from "../components/config/revisions";

/** A Helm mesh section as the planner reads it. */
const helm = (mesh: Partial<MeshRevisionConfig>): MeshRevisionConfig => ({
    method: "helm",
    revisionTags: [],
    defaultRevision: false,
    ...mesh,
});
/** Two revisions side by side, `prod` pointing at the newer, `stable` at the older. */
const twoTagged = () =>
    planRevisions(
        helm({
            revisions: [{ version: "1.30.2" }, { version: "1.31.0" }],
            revisionTags: [
                { name: "prod", revision: "1-31-0" },
                { name: "stable", revision: "1-30-2" },
            ],
        }),
    );
/** An existing-cluster Helm config. */
const config = (mesh: Record<string, unknown>, namespaces: unknown[] = []) => ({
    cloud: "existing",
    existing: { kubeconfig: "~/.kube/config" },
    mesh: { method: "helm", ...mesh },
    namespaces,
});

describe("mutation, revisions: the label a selector puts in istio.io/rev", () => {
    it("a revision or tag named, or the only revision when none is named", () => {
        const one = planRevisions(helm({ version: "1.31.0", revisionTags: ["prod"] })).plan;
        const rows: Array<[string, string | undefined, string | undefined, string | undefined]> = [
            ["nothing named, one revision", undefined, undefined, "1-31-0"],
            ["the revision named", "1-31-0", undefined, "1-31-0"],
            ["the tag named", undefined, "prod", "prod"],
            ["a revision not installed", "1-30-2", undefined, undefined],
            ["a tag not made", undefined, "canary", undefined],
        ];
        for (const [name, revision, revisionTag, label] of rows) {
            assert.equal(selectionOf(one, { revision, revisionTag }), label, name);
            assert.deepEqual(
                selectedBy({ revision, revisionTag }, one, "namespace 'apps'").label,
                label,
                `selectedBy: ${name}`,
            );
        }
    });

    it("with several revisions, the one named; none when nothing is named", () => {
        const { plan, problems } = twoTagged();
        assert.deepEqual(problems, []);
        assert.equal(selectionOf(plan, { revision: "1-30-2" }), "1-30-2");
        assert.equal(selectionOf(plan, { revisionTag: "stable" }), "stable");
        assert.equal(selectionOf(plan, {}), undefined);
    });

    it("answers exactly the label, no problem, for a valid selector", () => {
        const { plan } = twoTagged();
        assert.deepEqual(selectedBy({ revision: "1-31-0" }, plan, "x"), { label: "1-31-0" });
        assert.deepEqual(selectedBy({ revisionTag: "prod" }, plan, "x"), { label: "prod" });
        const one = planRevisions(helm({ version: "1.31.0" })).plan;
        assert.deepEqual(selectedBy({}, one, "x"), { label: "1-31-0" });
    });

    it("a revisionless mesh (Alibaba ASM without one) selects nothing", () => {
        assert.equal(selectionOf({ revisions: [], tags: [] }, {}), undefined);
    });
});

describe("mutation, revisions: the plan", () => {
    it("gives a revision without istiod values of its own no istiodValues key", () => {
        const { plan } = planRevisions(helm({ revisions: [{ version: "1.31.0" }] }));
        assert.deepStrictEqual(plan.revisions, [{ version: "1.31.0", revision: "1-31-0" }]);
    });

    it("keeps two distinct tags", () => {
        const { plan, problems } = twoTagged();
        assert.deepEqual(problems, []);
        assert.deepEqual(plan.tags, [
            { name: "prod", revision: "1-31-0" },
            { name: "stable", revision: "1-30-2" },
        ]);
    });

    it("makes no tag point at nothing when no revision could be planned", () => {
        const { plan, problems } = planRevisions(helm({ revisionTags: ["prod"] }));
        assert.deepEqual(plan, { revisions: [], tags: [], defaultRevision: undefined });
        assert.deepEqual(
            problems.map((p) => p.path.join(".")),
            ["mesh.version"],
        );
    });

    it("lets asmcli install one revision listed in mesh.revisions", () => {
        const spec = validateConfig({
            ...config({ method: "asmcli", revisions: [{ version: "1.19.10-asm.26" }], asmcli: { fleetId: "f" } }),
        });
        assert.deepEqual(
            spec.revisionPlan.revisions.map((r) => r.revision),
            ["asm-11910-26"],
        );
    });
});

describe("mutation, revisions: refusals quoting several names, the whole line", () => {
    const TWO = [{ version: "1.30.2" }, { version: "1.31.0" }];
    const rows: RefusalRow[] = [
        [
            "a namespace on a revision not installed, beside two that are",
            () => config({ revisions: TWO }, [{ name: "apps", revision: "1-29-0" }]),
            "nativemesh:namespaces[0].revision: '1-29-0' is not one of mesh.revisions [1-30-2, 1-31-0]: a revision is " +
                "removed only once no namespace, tag or default selects it (move them first)",
        ],
        [
            "a namespace on a tag not made, beside two that are",
            () =>
                config(
                    {
                        version: "1.31.0",
                        revisionTags: ["prod", "stable"],
                    },
                    [{ name: "apps", revisionTag: "canary" }],
                ),
            "nativemesh:namespaces[0].revisionTag: 'canary' is not one of mesh.revisionTags [prod, stable]",
        ],
    ];
    itRefuses(rows);
});
