/**
 * The guard's judgement (components/live/removal.ts): what still uses a revision the configuration drops, and
 * the refusals, compared whole.
 */
import * as assert from "node:assert/strict";
import type { PodLike, WebhookConfigLike } from "../../../components/live/classify";
import {
    type DesiredMesh,
    describeUse,
    helmRevisions,
    removalRefusal,
    revisionUses,
    unknownAllowance,
} from "../../../components/live/removal";

/** A running pod injected by `revision`, natively unless told otherwise. */
function injected(namespace: string, name: string, revision: string, extra: Partial<PodLike> = {}): PodLike {
    return {
        metadata: {
            namespace,
            name,
            annotations: { "sidecar.istio.io/status": JSON.stringify({ revision, containers: ["istio-proxy"] }) },
        },
        spec: { initContainers: [{ name: "istio-proxy", restartPolicy: "Always" }], containers: [{ name: "app" }] },
        status: { phase: "Running" },
        ...extra,
    };
}

const tagWebhook = (tag: string, revision: string): WebhookConfigLike => ({
    metadata: { name: `istio-revision-tag-${tag}`, labels: { "istio.io/rev": revision, "istio.io/tag": tag } },
    webhooks: [{ name: "rev.namespace.sidecar-injector.istio.io" }],
});
const revisionWebhook = (revision: string): WebhookConfigLike => ({
    metadata: { name: `istio-sidecar-injector-${revision}`, labels: { "istio.io/rev": revision } },
    webhooks: [{ name: "rev.namespace.sidecar-injector.istio.io" }],
});

const desired = (over: Partial<DesiredMesh> = {}): DesiredMesh => ({
    revisions: ["1-29-0"],
    tags: {},
    namespaces: {},
    canaryNamespace: "nativemesh-canary",
    ...over,
});

describe("components/live/removal", () => {
    describe("helmRevisions", () => {
        it("takes the istiod Deployments of releases named istiod-<revision>, with the chart's app version", () => {
            const found = helmRevisions([
                {
                    metadata: {
                        labels: {
                            app: "istiod",
                            "istio.io/rev": "1-28-1",
                            "app.kubernetes.io/instance": "istiod-1-28-1",
                            "app.kubernetes.io/version": "1.28.1",
                        },
                    },
                },
                // Another release's istiod (not nativemesh's naming), and a Deployment that is not istiod.
                { metadata: { labels: { app: "istiod", "istio.io/rev": "x", "app.kubernetes.io/instance": "mine" } } },
                {
                    metadata: {
                        labels: { app: "web", "istio.io/rev": "1-27-0", "app.kubernetes.io/instance": "istiod-1-27-0" },
                    },
                },
                {
                    metadata: {
                        labels: {
                            app: "istiod",
                            "istio.io/rev": "1-29-0",
                            "app.kubernetes.io/instance": "istiod-1-29-0",
                        },
                    },
                },
                // A chart without istio.labels: Helm's release annotation.
                {
                    metadata: {
                        labels: { app: "istiod", "istio.io/rev": "1-20-8" },
                        annotations: { "meta.helm.sh/release-name": "istiod-1-20-8" },
                    },
                },
                // The annotation of another release.
                {
                    metadata: {
                        labels: { app: "istiod", "istio.io/rev": "1-20-9" },
                        annotations: { "meta.helm.sh/release-name": "istiod" },
                    },
                },
            ]);
            assert.deepEqual(found, [
                { revision: "1-20-8" },
                { revision: "1-28-1", version: "1.28.1" },
                { revision: "1-29-0" },
            ]);
        });

        it("takes no Deployment without a revision, and no version the chart left empty", () => {
            const found = helmRevisions([
                // No istio.io/rev: the release it would be is istiod-undefined, and it is not one.
                { metadata: { labels: { app: "istiod", "app.kubernetes.io/instance": "istiod-undefined" } } },
                {
                    metadata: {
                        labels: { app: "istiod", "istio.io/rev": "", "app.kubernetes.io/instance": "istiod-" },
                    },
                },
                {
                    metadata: {
                        labels: {
                            app: "istiod",
                            "istio.io/rev": "1-28-1",
                            "app.kubernetes.io/instance": "istiod-1-28-1",
                            "app.kubernetes.io/version": "",
                        },
                    },
                },
                {},
            ]);
            assert.deepEqual(found, [{ revision: "1-28-1" }]);
        });
    });

    describe("revisionUses", () => {
        it("counts running pods of the revision, natively or regularly injected, and nothing finished or leaving", () => {
            const [use] = revisionUses(
                ["1-28-1"],
                {
                    namespaces: [],
                    webhooks: [],
                    pods: [
                        injected("apps", "web-1", "1-28-1"),
                        injected("apps", "web-2", "1-28-1", {
                            spec: { containers: [{ name: "app" }, { name: "istio-proxy" }] },
                        }),
                        injected("apps", "done", "1-28-1", { status: { phase: "Succeeded" } }),
                        injected("apps", "crashed", "1-28-1", { status: { phase: "Failed" } }),
                        injected("apps", "new", "1-29-0"),
                        {
                            ...injected("apps", "leaving", "1-28-1"),
                            metadata: {
                                ...injected("apps", "leaving", "1-28-1").metadata,
                                deletionTimestamp: "2026-01-01T00:00:00Z",
                            },
                        },
                        // A null deletionTimestamp is no deletion.
                        {
                            ...injected("apps", "web-3", "1-28-1"),
                            metadata: { ...injected("apps", "web-3", "1-28-1").metadata, deletionTimestamp: null },
                        },
                        // No sidecar at all, though annotated.
                        injected("apps", "bare", "1-28-1", { spec: { containers: [{ name: "app" }] } }),
                    ],
                },
                desired(),
            );
            assert.deepEqual(use, {
                revision: "1-28-1",
                pods: ["apps/web-1", "apps/web-2", "apps/web-3"],
                namespaces: [],
                tags: [],
            });
        });

        it("judges a namespace by the label it has after the update: declared ones by the configuration", () => {
            const uses = revisionUses(
                ["1-28-1"],
                {
                    namespaces: [
                        // Declared, moved to the new revision by this update: no longer a user.
                        { name: "apps", labels: { "istio.io/rev": "1-28-1" } },
                        // Not declared (made by someone else): keeps its label.
                        { name: "legacy", labels: { "istio.io/rev": "1-28-1" } },
                        // Being deleted: admits no new pod.
                        { name: "leaving", labels: { "istio.io/rev": "1-28-1" }, terminating: true },
                        // istio-injection wins over istio.io/rev; disabled injects nothing.
                        { name: "off", labels: { "istio-injection": "disabled", "istio.io/rev": "1-28-1" } },
                    ],
                    webhooks: [],
                    pods: [],
                },
                desired({ namespaces: { apps: "1-29-0" } }),
            );
            assert.deepEqual(uses, [
                {
                    revision: "1-28-1",
                    pods: [],
                    namespaces: [{ name: "legacy", via: "istio.io/rev=1-28-1" }],
                    tags: [],
                },
            ]);
        });

        it("follows tags where the configuration points them, and live tags it does not declare", () => {
            const uses = revisionUses(
                ["1-28-1"],
                {
                    namespaces: [
                        { name: "moved-by-tag", labels: { "istio.io/rev": "prod" } },
                        { name: "old-tag", labels: { "istio.io/rev": "legacy-tag" } },
                        { name: "by-default", labels: { "istio-injection": "enabled" } },
                        // Injection disabled: no tag selects it, though the default tag points at 1-28-1.
                        { name: "off", labels: { "istio-injection": "disabled", "istio.io/rev": "1-28-1" } },
                    ],
                    webhooks: [
                        revisionWebhook("1-28-1"),
                        tagWebhook("prod", "1-28-1"),
                        tagWebhook("legacy-tag", "1-28-1"),
                        tagWebhook("default", "1-28-1"),
                    ],
                    pods: [],
                },
                desired({ tags: { prod: "1-29-0" } }),
            );
            assert.deepEqual(uses, [
                {
                    revision: "1-28-1",
                    pods: [],
                    namespaces: [
                        { name: "by-default", via: "istio-injection=enabled, tag default" },
                        { name: "old-tag", via: "istio.io/rev=legacy-tag, tag legacy-tag" },
                    ],
                    tags: ["legacy-tag", "default"],
                },
            ]);
        });

        it("lets the canary namespace of a removed revision go with it, and nothing else of that name pattern", () => {
            const uses = revisionUses(
                ["1-28-1"],
                {
                    namespaces: [
                        {
                            name: "nativemesh-canary-1-28-1",
                            labels: { "istio.io/rev": "1-28-1", "app.kubernetes.io/managed-by": "nativemesh" },
                        },
                        // Same name pattern, but not nativemesh's: it counts.
                        { name: "nativemesh-canary-1-28-1-x", labels: { "istio.io/rev": "1-28-1" } },
                    ],
                    webhooks: [],
                    pods: [],
                },
                desired(),
            );
            assert.deepEqual(
                uses[0].namespaces.map((n) => n.name),
                ["nativemesh-canary-1-28-1-x"],
            );
        });

        it("keeps counting a canary-named namespace nativemesh did not make, and one nativemesh made under another name", () => {
            const uses = revisionUses(
                ["1-27-0", "1-28-1"],
                {
                    namespaces: [
                        // The canary name of 1-27-0, but not labelled as nativemesh's.
                        { name: "nativemesh-canary-1-27-0", labels: { "istio.io/rev": "1-27-0" } },
                        // nativemesh's, but not the canary of the revision it selects.
                        {
                            name: "nativemesh-canary-1-27-1",
                            labels: { "istio.io/rev": "1-28-1", "app.kubernetes.io/managed-by": "nativemesh" },
                        },
                    ],
                    webhooks: [],
                    pods: [],
                },
                desired(),
            );
            assert.deepEqual(uses, [
                {
                    revision: "1-27-0",
                    pods: [],
                    namespaces: [{ name: "nativemesh-canary-1-27-0", via: "istio.io/rev=1-27-0" }],
                    tags: [],
                },
                {
                    revision: "1-28-1",
                    pods: [],
                    namespaces: [{ name: "nativemesh-canary-1-27-1", via: "istio.io/rev=1-28-1" }],
                    tags: [],
                },
            ]);
        });

        it("an unlabelled namespace selects nothing, not even a declared tag named `undefined`", () => {
            assert.deepEqual(
                revisionUses(
                    ["1-28-1"],
                    { namespaces: [{ name: "plain", labels: {} }], webhooks: [], pods: [] },
                    desired({ tags: { undefined: "1-28-1" } }),
                ),
                [],
            );
        });

        it("counts a live tag pointing at the revision as a use, with nothing else using it", () => {
            assert.deepEqual(
                revisionUses(
                    ["1-28-1"],
                    { namespaces: [], webhooks: [tagWebhook("legacy-tag", "1-28-1")], pods: [] },
                    desired(),
                ),
                [{ revision: "1-28-1", pods: [], namespaces: [], tags: ["legacy-tag"] }],
            );
        });

        it("names a declared namespace by the label the configuration gives it, when that still selects the revision", () => {
            const uses = revisionUses(
                ["1-28-1"],
                {
                    namespaces: [
                        { name: "apps", labels: { "istio.io/rev": "1-29-0" } },
                        { name: "batch", labels: {} },
                    ],
                    webhooks: [tagWebhook("legacy-tag", "1-28-1")],
                    pods: [],
                },
                desired({ namespaces: { apps: "1-28-1", batch: "legacy-tag" } }),
            );
            assert.deepEqual(uses, [
                {
                    revision: "1-28-1",
                    pods: [],
                    namespaces: [
                        { name: "apps", via: "istio.io/rev=1-28-1" },
                        { name: "batch", via: "istio.io/rev=legacy-tag, tag legacy-tag" },
                    ],
                    tags: ["legacy-tag"],
                },
            ]);
        });

        it("names a pod by what its metadata gives, the namespace or name left empty when missing", () => {
            const pod = injected("apps", "web", "1-28-1");
            const [use] = revisionUses(
                ["1-28-1"],
                {
                    namespaces: [],
                    webhooks: [],
                    pods: [
                        { ...pod, metadata: { annotations: pod.metadata!.annotations, name: "web" } },
                        { ...pod, metadata: { annotations: pod.metadata!.annotations, namespace: "apps" } },
                    ],
                },
                desired(),
            );
            assert.deepEqual(use.pods, ["/web", "apps/"]);
        });

        it("reports no use of a revision nothing uses", () => {
            assert.deepEqual(
                revisionUses(
                    ["1-28-1"],
                    {
                        namespaces: [{ name: "apps", labels: { "istio.io/rev": "1-29-0" } }],
                        webhooks: [tagWebhook("prod", "1-29-0")],
                        pods: [injected("apps", "web", "1-29-0")],
                    },
                    desired(),
                ),
                [],
            );
        });
    });

    describe("refusals", () => {
        const use = {
            revision: "1-28-1",
            pods: ["apps/web-1", "apps/web-2", "apps/web-3", "batch/job-1"],
            namespaces: [{ name: "legacy", via: "istio.io/rev=1-28-1" }],
            tags: ["legacy-tag"],
        };

        it("names the first three pods and counts the rest", () => {
            assert.equal(
                describeUse(use),
                "4 pods carry its sidecar (apps/web-1, apps/web-2, apps/web-3, and 1 more); 1 namespace selects it (legacy: istio.io/rev=1-28-1); tag legacy-tag points at it",
            );
            assert.equal(
                describeUse({ ...use, pods: use.pods.slice(0, 3), namespaces: [], tags: [] }),
                "3 pods carry its sidecar (apps/web-1, apps/web-2, apps/web-3)",
            );
        });

        it("one pod, several namespaces and several tags: each counted in its own number", () => {
            assert.equal(
                describeUse({
                    revision: "1-28-1",
                    pods: ["apps/web-1"],
                    namespaces: [
                        { name: "a", via: "istio.io/rev=1-28-1" },
                        { name: "b", via: "istio.io/rev=1-28-1" },
                        { name: "c", via: "istio.io/rev=1-28-1" },
                        { name: "d", via: "istio.io/rev=legacy-tag, tag legacy-tag" },
                    ],
                    tags: ["legacy-tag", "default"],
                }),
                "1 pod carries its sidecar (apps/web-1); 4 namespaces select it (a: istio.io/rev=1-28-1, b: istio.io/rev=1-28-1, c: istio.io/rev=1-28-1, and 1 more); tags legacy-tag, default point at it",
            );
            assert.equal(
                describeUse({ revision: "1-28-1", pods: [], namespaces: [], tags: ["prod"] }),
                "tag prod points at it",
            );
        });

        it("a dropped revision: the key, the revision, what uses it, the way through and the override", () => {
            assert.equal(
                removalRefusal(use, { kind: "dropped", key: "nativemesh:mesh.revisions" }),
                'nativemesh:mesh.revisions: removes revision 1-28-1, which the cluster still uses: 4 pods carry its sidecar (apps/web-1, apps/web-2, apps/web-3, and 1 more); 1 namespace selects it (legacy: istio.io/rev=1-28-1); tag legacy-tag points at it. Move these selectors to a revision that stays, run `nativemesh restart` so the pods get its sidecar, then remove 1-28-1; or set nativemesh:mesh.allowRemoval: ["1-28-1"] to remove it anyway',
            );
        });

        it("a version bump: spells out the canary path", () => {
            assert.equal(
                removalRefusal(
                    { revision: "1-28-1", pods: ["apps/web-1"], namespaces: [], tags: [] },
                    { kind: "bump", fromVersion: "1.28.1", toVersion: "1.29.0", toRevision: "1-29-0" },
                ),
                'nativemesh:mesh.version: 1.28.1 -> 1.29.0 would replace revision 1-28-1 by 1-29-0 in one update, but the cluster still uses 1-28-1: 1 pod carries its sidecar (apps/web-1). Upgrade by canary (istio.io "Canary upgrades"): list both revisions, mesh.revisions: [{version: "1.28.1"}, {version: "1.29.0"}] in place of mesh.version; move the namespaces, tags and formance.namespaceRevision to 1-29-0; run `nativemesh restart`; then drop 1-28-1; or set nativemesh:mesh.allowRemoval: ["1-28-1"] to remove it anyway',
            );
        });

        it("a version bump from a release whose chart wrote no version: the old entry names its revision", () => {
            assert.equal(
                removalRefusal(
                    { revision: "1-28-1", pods: ["apps/web-1"], namespaces: [], tags: [] },
                    { kind: "bump", toVersion: "1.29.0", toRevision: "1-29-0" },
                ),
                'nativemesh:mesh.version: the version of 1-28-1 -> 1.29.0 would replace revision 1-28-1 by 1-29-0 in one update, but the cluster still uses 1-28-1: 1 pod carries its sidecar (apps/web-1). Upgrade by canary (istio.io "Canary upgrades"): list both revisions, mesh.revisions: [{version: "<the version of 1-28-1>", revision: 1-28-1}, {version: "1.29.0"}] in place of mesh.version; move the namespaces, tags and formance.namespaceRevision to 1-29-0; run `nativemesh restart`; then drop 1-28-1; or set nativemesh:mesh.allowRemoval: ["1-28-1"] to remove it anyway',
            );
        });

        it("an override naming no installed revision", () => {
            assert.equal(
                unknownAllowance(0, "1-27-0", ["1-28-1"]),
                "nativemesh:mesh.allowRemoval[0]: '1-27-0' is not an istiod revision on the cluster (installed: 1-28-1); it overrides the guard for one removal only: drop it once that revision is gone",
            );
            assert.equal(
                unknownAllowance(2, "1-27-0", ["1-28-1", "1-29-0"]),
                "nativemesh:mesh.allowRemoval[2]: '1-27-0' is not an istiod revision on the cluster (installed: 1-28-1, 1-29-0); it overrides the guard for one removal only: drop it once that revision is gone",
            );
            assert.equal(
                unknownAllowance(1, "1-27-0", []),
                "nativemesh:mesh.allowRemoval[1]: '1-27-0' is not an istiod revision on the cluster (installed: none); it overrides the guard for one removal only: drop it once that revision is gone",
            );
        });
    });
});
