// Revision planning (components/config/revisions.ts) and the config refusals that keep a canary upgrade safe:
// tables of config in, plan or one-line error out, through validateConfig as a stack file is validated.
import * as assert from "node:assert/strict";
import { ConfigError, validateConfig } from "../../../components/config/config";
import {
    canaryTargets,
    planRevisions,
    revisionBehind,
    selectedBy,
    selectionOf,
    type MeshRevisionConfig,
} from "../../../components/config/revisions";
import { GKE_SECTION, itRefuses, type RefusalRow } from "../../support/configFixtures";

/** An existing-cluster Helm config; `mesh` and `namespaces` are each case's. */
const config = (mesh: Record<string, unknown>, namespaces: unknown[] = [], more: Record<string, unknown> = {}) => ({
    cloud: "existing",
    existing: { kubeconfig: "~/.kube/config" },
    mesh: { method: "helm", ...mesh },
    namespaces,
    ...more,
});

const TWO = [{ version: "1.30.2" }, { version: "1.31.0" }];

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
const helmConfig = (mesh: Record<string, unknown>, namespaces: unknown[] = []) => ({
    cloud: "existing",
    existing: { kubeconfig: "~/.kube/config" },
    mesh: { method: "helm", ...mesh },
    namespaces,
});

describe("revision planning", () => {
    const plans: Array<{
        name: string;
        mesh: Record<string, unknown>;
        revisions: string[];
        tags: string[];
        def?: string;
    }> = [
        { name: "the one-revision shorthand", mesh: { version: "1.31.0" }, revisions: ["1-31-0"], tags: [] },
        {
            name: "shorthand tags point at the only revision, defaultRevision true names it",
            mesh: { version: "1.31.0", revisionTags: ["prod"], defaultRevision: true },
            revisions: ["1-31-0"],
            tags: ["prod=1-31-0"],
            def: "1-31-0",
        },
        {
            name: "two versions side by side, revisions derived, a tag and the default named",
            mesh: { revisions: TWO, revisionTags: [{ name: "prod", revision: "1-31-0" }], defaultRevision: "1-30-2" },
            revisions: ["1-30-2", "1-31-0"],
            tags: ["prod=1-31-0"],
            def: "1-30-2",
        },
        {
            name: "two revisions of one version, named",
            mesh: { revisions: [{ version: "1.31.0" }, { version: "1.31.0", revision: "1-31-0-b" }] },
            revisions: ["1-31-0", "1-31-0-b"],
            tags: [],
        },
    ];
    for (const c of plans) {
        it(c.name, () => {
            const spec = validateConfig(config(c.mesh));
            const plan = spec.revisionPlan;
            assert.deepEqual(
                plan.revisions.map((r) => r.revision),
                c.revisions,
            );
            assert.deepEqual(
                plan.tags.map((t) => `${t.name}=${t.revision}`),
                c.tags,
            );
            assert.equal(plan.defaultRevision, c.def);
            assert.equal(spec.revision, c.revisions[0], "the first revision is the spec's revision");
            assert.equal(spec.mesh.version, plan.revisions[0].version, "mesh.version is the first revision's");
        });
    }

    it("keeps a revision's own istiod values with it", () => {
        const { plan } = planRevisions({
            method: "helm",
            revisions: [{ version: "1.31.0", istiodValues: { a: 1 } }],
            revisionTags: [],
            defaultRevision: false,
        });
        assert.deepEqual(plan.revisions, [{ version: "1.31.0", revision: "1-31-0", istiodValues: { a: 1 } }]);
    });

    it("resolves a label to the revision behind it", () => {
        const { plan } = planRevisions({
            method: "helm",
            revisions: TWO,
            revisionTags: [{ name: "prod", revision: "1-31-0" }],
            defaultRevision: false,
        });
        assert.equal(revisionBehind("prod", plan), "1-31-0");
        assert.equal(revisionBehind("1-30-2", plan), "1-30-2");
        assert.equal(revisionBehind("gone", plan), undefined);
    });

    it("gives every revision a canary: the first in the canary namespace through its tag, the others beside it", () => {
        const { plan } = planRevisions({
            method: "helm",
            revisions: TWO,
            revisionTags: [{ name: "prod", revision: "1-30-2" }],
            defaultRevision: false,
        });
        assert.deepEqual(canaryTargets(plan, "nativemesh-canary"), [
            { revision: "1-30-2", label: "prod", namespace: "nativemesh-canary" },
            { revision: "1-31-0", label: "1-31-0", namespace: "nativemesh-canary-1-31-0" },
        ]);
    });
});

describe("revision refusals: one line naming the key, before anything is declared", () => {
    const refusals: Array<{ name: string; cfg: unknown; error: RegExp }> = [
        {
            name: "neither version nor revisions",
            cfg: config({}),
            error: /^nativemesh:mesh\.version: is required \(or list mesh\.revisions/,
        },
        {
            name: "both version and revisions",
            cfg: config({ version: "1.31.0", revisions: TWO }),
            error: /^nativemesh:mesh\.revisions: give mesh\.version \(one revision\) or mesh\.revisions \(several\), not both/,
        },
        {
            name: "mesh.revision beside mesh.revisions",
            cfg: config({ revisions: TWO, revision: "x" }),
            error: /^nativemesh:mesh\.revision: belongs to the one-revision form/,
        },
        {
            name: "several revisions by asmcli",
            cfg: {
                ...config({
                    method: "asmcli",
                    revisions: [{ version: "1.19.10-asm.26" }, { version: "1.20.8-asm.1" }],
                }),
                mesh: {
                    method: "asmcli",
                    revisions: [{ version: "1.19.10-asm.26" }, { version: "1.20.8-asm.1" }],
                    asmcli: { fleetId: "acme" },
                },
            },
            error: /^nativemesh:mesh\.revisions: several revisions side by side are installed by method helm only/,
        },
        {
            name: "revisions on a managed mesh",
            cfg: {
                cloud: "gke",
                gke: GKE_SECTION,
                mesh: { method: "managed", revisions: TWO },
            },
            error: /^nativemesh:mesh\.revisions: are installed by nativemesh with method helm; managed names its revision itself: use mesh\.version/,
        },
        {
            name: "one version twice under one name",
            cfg: config({ revisions: [{ version: "1.31.0" }, { version: "1.31.0" }] }),
            error: /^nativemesh:mesh\.revisions\[1\]\.revision: '1-31-0' is listed twice/,
        },
        {
            name: "a plain tag with several revisions",
            cfg: config({ revisions: TWO, revisionTags: ["prod"] }),
            error: /^nativemesh:mesh\.revisionTags\[0\]: with several revisions, name the one 'prod' points at/,
        },
        {
            name: "a tag on a revision not listed (removed too early)",
            cfg: config({ revisions: [{ version: "1.31.0" }], revisionTags: [{ name: "prod", revision: "1-30-2" }] }),
            error: /^nativemesh:mesh\.revisionTags\[0\]\.revision: '1-30-2' is not one of mesh\.revisions \[1-31-0\]/,
        },
        {
            name: "a tag named default",
            cfg: config({ version: "1.31.0", revisionTags: ["default"] }),
            error: /^nativemesh:mesh\.revisionTags\[0\]: the tag 'default' is Istio's default revision: set mesh\.defaultRevision/,
        },
        {
            name: "a tag named as a revision",
            cfg: config({ version: "1.31.0", revisionTags: ["1-31-0"] }),
            error: /^nativemesh:mesh\.revisionTags\[0\]: '1-31-0' is also a revision name/,
        },
        {
            name: "a tag listed twice",
            cfg: config({ version: "1.31.0", revisionTags: ["prod", "prod"] }),
            error: /^nativemesh:mesh\.revisionTags\[1\]: 'prod' is listed twice/,
        },
        {
            name: "defaultRevision true with several revisions",
            cfg: config({ revisions: TWO, defaultRevision: true }),
            error: /^nativemesh:mesh\.defaultRevision: with several revisions, name one of mesh\.revisions \[1-30-2, 1-31-0\]/,
        },
        {
            name: "the default on a revision not listed",
            cfg: config({ revisions: TWO, defaultRevision: "1-29-0" }),
            error: /^nativemesh:mesh\.defaultRevision: '1-29-0' is not one of mesh\.revisions .*move the default before removing its revision/,
        },
        {
            name: "a namespace naming no revision when there are several",
            cfg: config({ revisions: TWO }, [{ name: "apps" }]),
            error: /^nativemesh:namespaces\[0\]\.revision: with several mesh\.revisions, namespace 'apps' must name its revision or revisionTag/,
        },
        {
            name: "a namespace still on a removed revision",
            cfg: config({ version: "1.31.0" }, [{ name: "apps", revision: "1-30-2" }]),
            error: /^nativemesh:namespaces\[0\]\.revision: '1-30-2' is not one of mesh\.revisions \[1-31-0\]: a revision is removed only once no namespace, tag or default selects it/,
        },
        {
            name: "a namespace naming both a revision and a tag",
            cfg: config({ version: "1.31.0", revisionTags: ["prod"] }, [
                { name: "apps", revision: "1-31-0", revisionTag: "prod" },
            ]),
            error: /^nativemesh:namespaces\[0\]\.revision: namespace 'apps' selects a revision or a revision tag, not both \(got "1-31-0"\)$/,
        },
        {
            name: "a namespace on an unknown tag",
            cfg: config({ version: "1.31.0" }, [{ name: "apps", revisionTag: "prod" }]),
            error: /^nativemesh:namespaces\[0\]\.revisionTag: 'prod' is not one of mesh\.revisionTags \[\]/,
        },
        {
            name: "Formance namespaces naming no revision when there are several",
            cfg: config({ revisions: TWO }, [], { formance: {} }),
            error: /^nativemesh:formance\.namespaceRevision: with several mesh\.revisions, formance\.namespaceLabel must name its revision or revisionTag \(adding or removing a revision never moves it by itself\)$/,
        },
        {
            name: "Formance namespaces on a removed revision",
            cfg: config({ version: "1.31.0" }, [], { formance: { namespaceRevision: "1-30-2" } }),
            error: /^nativemesh:formance\.namespaceRevision: '1-30-2' is not one of mesh\.revisions/,
        },
        {
            name: "a second revision's canary namespace would be a meshed one",
            cfg: config({ revisions: TWO }, [{ name: "nativemesh-canary-1-31-0", revision: "1-31-0" }]),
            error: /^nativemesh:canary\.namespace: 'nativemesh-canary-1-31-0' is also a meshed namespace/,
        },
        {
            name: "a canary namespace too long for a second revision",
            cfg: config({ revisions: TWO }, [], { canary: { namespace: "c".repeat(60) } }),
            error: /^nativemesh:canary\.namespace: '.*' makes '.*-1-31-0' for revision 1-31-0, longer than a namespace may be \(63\)/,
        },
        {
            name: "a tag that is neither a name nor {name, revision}",
            cfg: config({ version: "1.31.0", revisionTags: [{ tag: "prod" }] }),
            error: /^nativemesh:mesh\.revisionTags\[0\]: must be a tag name, or \{name, revision\}/,
        },
    ];
    for (const c of refusals) {
        it(c.name, () => {
            assert.throws(
                () => validateConfig(c.cfg),
                (err: unknown) => {
                    assert.ok(err instanceof ConfigError, String(err));
                    assert.match(err.message, c.error);
                    assert.ok(!err.message.includes("\n"), "one line");
                    return true;
                },
            );
        });
    }

    it("accepts the four steps of the canary upgrade in docs/UPGRADING.md, each on its own", () => {
        const ns = (revision: string) => [
            { name: "payments", revision },
            { name: "ledger", revisionTag: "prod" },
        ];
        const steps = [
            config({ revisions: TWO, revisionTags: [{ name: "prod", revision: "1-30-2" }] }, ns("1-30-2")),
            config({ revisions: TWO, revisionTags: [{ name: "prod", revision: "1-31-0" }] }, ns("1-31-0")),
            config({ revisions: [TWO[1]], revisionTags: [{ name: "prod", revision: "1-31-0" }] }, ns("1-31-0")),
        ];
        for (const step of steps) assert.doesNotThrow(() => validateConfig(step));
    });
});

// The revision planner (components/config/revisions.ts) beyond test/revisions.spec.ts, written for the mutation
// score of the config group (docs/MUTATION.md): the label each selector puts in `istio.io/rev` (selectionOf,
// what components/meshEnvironment.ts labels namespaces with), the plan's exact shape, and the lists the
// refusals quote when they hold more than one name.

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
            ...helmConfig({ method: "asmcli", revisions: [{ version: "1.19.10-asm.26" }], asmcli: { fleetId: "f" } }),
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
            () => helmConfig({ revisions: TWO }, [{ name: "apps", revision: "1-29-0" }]),
            "nativemesh:namespaces[0].revision: '1-29-0' is not one of mesh.revisions [1-30-2, 1-31-0]: a revision is " +
                "removed only once no namespace, tag or default selects it (move them first)",
        ],
        [
            "a namespace on a tag not made, beside two that are",
            () =>
                helmConfig(
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
