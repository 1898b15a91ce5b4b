import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
    adviceFor,
    classifyPod,
    controllerOwner,
    injectedRevision,
    namespaceSelection,
    OwnerIndex,
    ownerKey,
    ownerToRead,
    PodLike,
    PodReport,
    podOwner,
    proxyMode,
    RESTARTABLE,
    RevisionIndex,
    revisionIndex,
    Selection,
    staleWorkloads,
    WebhookConfigLike,
} from "../../../components/live/classify";

const SHARED = path.join(__dirname, "..", "..", "fixtures", "pods");
const OURS = path.join(__dirname, "fixtures");

type Pod = PodLike & { metadata: NonNullable<PodLike["metadata"]>; status: { phase?: string } };

function load(dir: string, name: string): Pod {
    return JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), "utf8")) as Pod;
}

/** A copy of a captured pod, edited. */
function variant(dir: string, name: string, edit: (pod: Pod) => void): Pod {
    const pod = load(dir, name);
    edit(pod);
    return pod;
}

const running = (pod: Pod) => {
    pod.status.phase = "Running";
};

const REAL_WEBHOOKS = (
    JSON.parse(fs.readFileSync(path.join(OURS, "webhooks.json"), "utf8")) as { items: WebhookConfigLike[] }
).items;

function webhooks(edit?: (items: WebhookConfigLike[]) => WebhookConfigLike[]): WebhookConfigLike[] {
    const copy = JSON.parse(JSON.stringify(REAL_WEBHOOKS)) as WebhookConfigLike[];
    return edit === undefined ? copy : edit(copy);
}

const byName = (items: WebhookConfigLike[], name: string) => {
    const found = items.find((i) => i.metadata?.name === name);
    assert.ok(found, `no webhook configuration ${name} in the fixture`);
    return found;
};

/** A second revision installed beside 1-31-0 (a copy of its webhook configuration, relabelled). */
const withRevision = (rev: string) => (items: WebhookConfigLike[]) => {
    const copy = JSON.parse(JSON.stringify(byName(items, "istio-sidecar-injector-1-31-0"))) as WebhookConfigLike;
    copy.metadata = {
        ...copy.metadata,
        name: `istio-sidecar-injector-${rev}`,
        labels: { ...copy.metadata?.labels, "istio.io/rev": rev },
    };
    return [...items, copy];
};

/** The tag moved to another revision: its webhook configuration's istio.io/rev label changes. */
const tagTo = (rev: string) => (items: WebhookConfigLike[]) => {
    const tag = byName(items, "istio-revision-tag-local-stable");
    tag.metadata = { ...tag.metadata, labels: { ...tag.metadata?.labels, "istio.io/rev": rev } };
    return items;
};

/** The tag `default` (revision-tags-mwc.yaml adds the namespace.* and object.* webhooks for it). */
const defaultTag = (items: WebhookConfigLike[]) => {
    const copy = JSON.parse(JSON.stringify(byName(items, "istio-revision-tag-local-stable"))) as WebhookConfigLike;
    copy.metadata = {
        ...copy.metadata,
        name: "istio-revision-tag-default",
        labels: { ...copy.metadata?.labels, "istio.io/tag": "default" },
    };
    copy.webhooks = [
        ...(copy.webhooks ?? []),
        { name: "namespace.sidecar-injector.istio.io" },
        { name: "object.sidecar-injector.istio.io" },
    ];
    return [...items, copy];
};

/** A default revision (an istiod release without a revision): labelled istio.io/rev=default, namespace.* webhook. */
const defaultRevision = (items: WebhookConfigLike[]) => {
    const copy = JSON.parse(JSON.stringify(byName(items, "istio-sidecar-injector-1-31-0"))) as WebhookConfigLike;
    copy.metadata = {
        ...copy.metadata,
        name: "istio-sidecar-injector",
        labels: { ...copy.metadata?.labels, "istio.io/rev": "default" },
    };
    copy.webhooks = [...(copy.webhooks ?? []), { name: "namespace.sidecar-injector.istio.io" }];
    return [...items, copy];
};

const REV = { "istio.io/rev": "1-31-0" };
const TAG = { "istio.io/rev": "local-stable" };

function select(labels: Record<string, string>, index: RevisionIndex = revisionIndex(webhooks())): Selection {
    const sel = namespaceSelection(labels, index);
    assert.ok(sel, `namespace labels ${JSON.stringify(labels)} are not meshed`);
    return sel;
}

interface Row {
    what: string;
    pod: Pod;
    ns?: Record<string, string>;
    index?: RevisionIndex;
    owners?: OwnerIndex;
    want: Omit<Partial<PodReport>, "reason"> & { reason?: RegExp };
}

const jobOwners: OwnerIndex = new Map([
    [ownerKey("Job", "live-demo", "nightly-manual"), controllerOwner(load(OURS, "cronjob-job").metadata)],
]);

const ROWS: Row[] = [
    {
        what: "a Deployment's pod injected natively by the namespace's revision",
        pod: load(SHARED, "native-deployment"),
        ns: REV,
        want: { mode: "native", revision: "1-31-0", owner: { kind: "Deployment", name: "web" }, state: "ok" },
    },
    {
        what: "a finished Job pod is listed, not judged",
        pod: load(SHARED, "native-job"),
        ns: REV,
        want: { mode: "native", revision: "1-31-0", owner: { kind: "Job", name: "native-job" }, state: "finished" },
    },
    {
        what: "a running Job pod injected natively",
        pod: variant(SHARED, "native-job", running),
        ns: REV,
        want: { mode: "native", owner: { kind: "Job", name: "native-job" }, state: "ok" },
    },
    {
        what: "a pod of a tag's namespace, injected by the tag's revision",
        pod: variant(SHARED, "tag-job", running),
        ns: TAG,
        want: { mode: "native", revision: "1-31-0", state: "ok" },
    },
    {
        what: "the tag moved to a new revision: the pod of the old one is stale",
        pod: variant(SHARED, "tag-job", running),
        ns: TAG,
        index: revisionIndex(webhooks((w) => tagTo("1-32-0")(withRevision("1-32-0")(w)))),
        want: {
            mode: "native",
            revision: "1-31-0",
            state: "stale",
            reason: /from revision 1-31-0; the namespace selects 1-32-0/,
        },
    },
    {
        what: "a pod injected by another revision than its namespace's",
        pod: variant(SHARED, "native-deployment", (p) => {
            const status = JSON.parse(p.metadata.annotations!["sidecar.istio.io/status"]) as Record<string, unknown>;
            p.metadata.annotations = {
                ...p.metadata.annotations,
                "istio.io/rev": "1-30-0",
                "sidecar.istio.io/status": JSON.stringify({ ...status, revision: "1-30-0" }),
            };
        }),
        ns: REV,
        want: { mode: "native", revision: "1-30-0", state: "stale", reason: /native sidecar from revision 1-30-0/ },
    },
    {
        what: "the revision of sidecar.istio.io/status, which the injector writes, over an istio.io/rev annotation",
        pod: variant(SHARED, "native-deployment", (p) => {
            p.metadata.annotations = { ...p.metadata.annotations, "istio.io/rev": "1-30-0" };
        }),
        ns: REV,
        want: { revision: "1-31-0", state: "ok" },
    },
    {
        what: "the revision from sidecar.istio.io/status when the istio.io/rev annotation is absent",
        pod: variant(SHARED, "native-deployment", (p) => {
            delete p.metadata.annotations?.["istio.io/rev"];
        }),
        ns: REV,
        want: { revision: "1-31-0", state: "ok" },
    },
    {
        what: 'a regular sidecar with nativeSidecar "false" is an opt-out',
        pod: variant(SHARED, "optout-job", running),
        ns: REV,
        want: {
            mode: "regular",
            revision: "1-31-0",
            state: "opt-out",
            optOut: "annotation sidecar.istio.io/nativeSidecar=false",
        },
    },
    {
        what: "a regular sidecar without the opt-out was injected before native mode: stale",
        pod: variant(SHARED, "optout-job", (p) => {
            running(p);
            delete p.metadata.annotations?.["sidecar.istio.io/nativeSidecar"];
        }),
        ns: REV,
        want: { mode: "regular", state: "stale", reason: /regular sidecar from 1-31-0/ },
    },
    {
        what: "a native sidecar on a pod asking for a regular one",
        pod: variant(SHARED, "native-deployment", (p) => {
            p.metadata.annotations = { ...p.metadata.annotations, "sidecar.istio.io/nativeSidecar": "false" };
        }),
        ns: REV,
        want: { mode: "native", state: "stale", reason: /asks for a regular one/ },
    },
    {
        what: "an uninjected pod whose namespace was meshed after it started",
        pod: variant(SHARED, "uninjected-job", running),
        ns: REV,
        want: {
            mode: "none",
            revision: undefined,
            owner: { kind: "Job", name: "plain-job" },
            state: "stale",
            reason: /no istio-proxy/,
        },
    },
    {
        what: "a bare Pod without a sidecar",
        pod: load(OURS, "bare-pod"),
        ns: REV,
        want: { mode: "none", owner: { kind: "Pod", name: "bare" }, state: "stale" },
    },
    {
        what: "the sidecar.istio.io/inject=false label is an opt-out",
        pod: load(OURS, "optout-label-pod"),
        ns: REV,
        want: { mode: "none", state: "opt-out", optOut: "label sidecar.istio.io/inject=false" },
    },
    {
        what: "the sidecar.istio.io/inject=false annotation is an opt-out",
        pod: variant(OURS, "bare-pod", (p) => {
            p.metadata.annotations = { "sidecar.istio.io/inject": "false" };
        }),
        ns: REV,
        want: { state: "opt-out", optOut: "annotation sidecar.istio.io/inject=false" },
    },
    {
        what: "the label wins over the annotation (injectRequired)",
        pod: variant(OURS, "bare-pod", (p) => {
            p.metadata.annotations = { "sidecar.istio.io/inject": "false" };
            p.metadata.labels = { "sidecar.istio.io/inject": "true" };
        }),
        ns: REV,
        want: { state: "stale" },
    },
    {
        what: "a hostNetwork pod is never injected",
        pod: variant(OURS, "bare-pod", (p) => {
            (p.spec as { hostNetwork?: boolean }).hostNetwork = true;
        }),
        ns: REV,
        want: { state: "opt-out", optOut: "hostNetwork (never injected)" },
    },
    {
        what: "a terminating pod is listed, not judged",
        pod: variant(OURS, "bare-pod", (p) => {
            p.metadata.deletionTimestamp = "2026-12-01T18:00:00Z";
        }),
        ns: REV,
        want: { mode: "none", state: "terminating" },
    },
    {
        what: "a StatefulSet's pod after the restart",
        pod: load(OURS, "statefulset-pod"),
        ns: REV,
        want: { mode: "native", revision: "1-31-0", owner: { kind: "StatefulSet", name: "db" }, state: "ok" },
    },
    {
        what: "a DaemonSet's pod after the restart",
        pod: load(OURS, "daemonset-pod"),
        ns: REV,
        want: { mode: "native", owner: { kind: "DaemonSet", name: "agent" }, state: "ok" },
    },
    {
        what: "a CronJob's pod, through its Job",
        pod: load(OURS, "cronjob-pod"),
        ns: REV,
        owners: jobOwners,
        want: { owner: { kind: "CronJob", name: "nightly" }, state: "finished" },
    },
    {
        what: "a Job's pod when the Job is not known: the Job",
        pod: load(OURS, "cronjob-pod"),
        ns: REV,
        want: { owner: { kind: "Job", name: "nightly-manual" } },
    },
    {
        what: "istio-injection=enabled with no default tag or revision: unjudged",
        pod: load(SHARED, "native-deployment"),
        ns: { "istio-injection": "enabled" },
        want: { state: "unjudged", reason: /no webhook serves istio-injection=enabled/ },
    },
    {
        what: "istio-injection=enabled served by the tag default",
        pod: load(SHARED, "native-deployment"),
        ns: { "istio-injection": "enabled" },
        index: revisionIndex(webhooks(defaultTag)),
        want: { state: "ok" },
    },
    {
        what: "istio-injection=enabled served by the default revision: a 1-31-0 pod is stale",
        pod: load(SHARED, "native-deployment"),
        ns: { "istio-injection": "enabled" },
        index: revisionIndex(webhooks(defaultRevision)),
        want: { state: "stale", reason: /from revision 1-31-0; the namespace selects default/ },
    },
    {
        what: "istio-injection wins over istio.io/rev (the revision webhooks require it absent)",
        pod: load(SHARED, "native-deployment"),
        ns: { "istio-injection": "enabled", "istio.io/rev": "1-31-0" },
        index: revisionIndex(webhooks(defaultRevision)),
        want: { state: "stale" },
    },
    {
        what: "a namespace naming a revision no webhook serves: unjudged",
        pod: load(SHARED, "native-deployment"),
        ns: { "istio.io/rev": "1-99-0" },
        want: { state: "unjudged", reason: /no webhook serves istio.io\/rev=1-99-0/ },
    },
    {
        what: "webhooks unreadable: the namespace's value is taken as the revision",
        pod: load(SHARED, "native-deployment"),
        ns: { "istio.io/rev": "1-99-0" },
        index: revisionIndex(undefined),
        want: { state: "stale", reason: /the namespace selects 1-99-0/ },
    },
];

describe("live: pod classification, on pods the real istiod injected", () => {
    for (const row of ROWS) {
        it(row.what, () => {
            const report = classifyPod(row.pod, select(row.ns ?? REV, row.index), row.owners);
            const { reason, ...rest } = row.want;
            for (const [key, value] of Object.entries(rest))
                assert.deepEqual(report[key as keyof PodReport], value, `${key} of ${JSON.stringify(report)}`);
            if (reason instanceof RegExp) assert.match(report.reason ?? "", reason);
            if (report.state === "stale") assert.ok(report.reason, "a stale pod says why");
        });
    }
});

describe("live: namespace selection", () => {
    const index = revisionIndex(webhooks());
    it("reads the revision and the tag from the real webhook configurations", () => {
        assert.deepEqual([...index.revisions], ["1-31-0"]);
        assert.deepEqual([...index.tags], [["local-stable", "1-31-0"]]);
        assert.equal(index.injectionEnabled, undefined);
    });
    it("a revision, a tag, and unmeshed namespaces", () => {
        assert.deepEqual(select(REV, index), { label: "istio.io/rev", value: "1-31-0", revision: "1-31-0" });
        assert.deepEqual(select(TAG, index), {
            label: "istio.io/rev",
            value: "local-stable",
            tag: "local-stable",
            revision: "1-31-0",
        });
        for (const labels of [
            {} as Record<string, string>,
            { "istio-injection": "disabled" },
            { "istio-injection": "disabled", "istio.io/rev": "1-31-0" },
            { "istio.io/rev": "" },
        ])
            assert.equal(namespaceSelection(labels, index), undefined, JSON.stringify(labels));
    });
    it("istio-injection=enabled through the tag default names the tag", () => {
        assert.deepEqual(select({ "istio-injection": "enabled" }, revisionIndex(webhooks(defaultTag))), {
            label: "istio-injection",
            value: "enabled",
            tag: "default",
            revision: "1-31-0",
        });
    });
    it("the tag default wins over a default revision", () => {
        const both = revisionIndex(webhooks((w) => defaultTag(defaultRevision(w))));
        assert.equal(select({ "istio-injection": "enabled" }, both).revision, "1-31-0");
    });
});

describe("live: proxy mode, revision, owners", () => {
    it("istio-proxy as an init container without restartPolicy Always is not native", () => {
        const pod = variant(SHARED, "native-deployment", (p) => {
            for (const c of p.spec?.initContainers ?? []) delete c.restartPolicy;
        });
        assert.equal(proxyMode(pod), "regular");
        assert.equal(proxyMode(load(SHARED, "native-deployment")), "native");
        assert.equal(proxyMode(load(SHARED, "optout-job")), "regular");
        assert.equal(proxyMode(load(SHARED, "uninjected-job")), "none");
    });
    it("an unreadable sidecar.istio.io/status gives no revision", () => {
        const pod = variant(SHARED, "native-deployment", (p) => {
            p.metadata.annotations = { "sidecar.istio.io/status": "{not json" };
        });
        assert.equal(injectedRevision(pod), undefined);
    });
    it("a ReplicaSet named by the Deployment controller needs no read; a Job and another ReplicaSet do", () => {
        assert.equal(ownerToRead(load(SHARED, "native-deployment")), undefined);
        assert.deepEqual(ownerToRead(load(OURS, "cronjob-pod")), {
            kind: "Job",
            namespace: "live-demo",
            name: "nightly-manual",
        });
        const custom = variant(SHARED, "native-deployment", (p) => {
            delete p.metadata.labels?.["pod-template-hash"];
        });
        assert.deepEqual(ownerToRead(custom), {
            kind: "ReplicaSet",
            namespace: "apps-revision",
            name: "web-767d6f4df8",
        });
        const sel = select(REV);
        assert.deepEqual(classifyPod(custom, sel).owner, { kind: "ReplicaSet", name: "web-767d6f4df8" });
        const read: OwnerIndex = new Map([
            [ownerKey("ReplicaSet", "apps-revision", "web-767d6f4df8"), { kind: "Deployment", name: "web" }],
        ]);
        assert.deepEqual(classifyPod(custom, sel, read).owner, { kind: "Deployment", name: "web" });
        const bare: OwnerIndex = new Map([[ownerKey("ReplicaSet", "apps-revision", "web-767d6f4df8"), null]]);
        assert.deepEqual(classifyPod(custom, sel, bare).owner, { kind: "ReplicaSet", name: "web-767d6f4df8" });
    });
    it("stale workloads are sorted by namespace, then kind, then name, whatever order their pods came in", () => {
        const report = (namespace: string, kind: string, name: string): PodReport => ({
            namespace,
            name: `${name}-pod`,
            mode: "none",
            role: "sidecar",
            owner: { kind, name },
            state: "stale",
            reason: "r",
        });
        const grouped = staleWorkloads([
            report("b", "Deployment", "a"),
            report("a", "StatefulSet", "a"),
            report("a", "Deployment", "z"),
            report("a", "Deployment", "b"),
            report("a", "DaemonSet", "y"),
        ]);
        assert.deepEqual(
            grouped.map((g) => `${g.namespace}/${g.kind}/${g.name}`),
            ["a/DaemonSet/y", "a/Deployment/b", "a/Deployment/z", "a/StatefulSet/a", "b/Deployment/a"],
        );
    });
    it("a stale report without a reason counts as a pod and adds no reason", () => {
        const bare: PodReport = {
            namespace: "ns",
            name: "p",
            mode: "none",
            role: "sidecar",
            owner: { kind: "Pod", name: "p" },
            state: "stale",
        };
        assert.deepEqual(staleWorkloads([bare, { ...bare, reason: "why" }, bare]), [
            { namespace: "ns", kind: "Pod", name: "p", pods: 3, reasons: ["why"] },
        ]);
    });
    it("stale pods are grouped by workload, with each reason once", () => {
        const sel = select(REV);
        const a = classifyPod(
            variant(OURS, "bare-pod", (p) => (p.metadata.name = "a")),
            sel,
        );
        const web = load(SHARED, "native-deployment");
        const stale1 = classifyPod(
            variant(SHARED, "optout-job", (p) => {
                running(p);
                delete p.metadata.annotations?.["sidecar.istio.io/nativeSidecar"];
            }),
            sel,
        );
        const w1 = classifyPod(
            variant(SHARED, "native-deployment", (p) => (p.metadata.annotations = { "istio.io/rev": "1-30-0" })),
            sel,
        );
        const w2 = classifyPod(
            variant(SHARED, "native-deployment", (p) => {
                p.metadata.name = "web-2";
                p.metadata.annotations = { "istio.io/rev": "1-30-0" };
            }),
            sel,
        );
        const grouped = staleWorkloads([w1, a, classifyPod(web, sel), w2, stale1]);
        assert.deepEqual(
            grouped.map((g) => [g.namespace, g.kind, g.name, g.pods, g.reasons.length]),
            [
                ["apps-revision", "Deployment", "web", 2, 1],
                ["apps-revision", "Job", "optout-job", 1, 1],
                ["live-demo", "Pod", "a", 1, 1],
            ],
        );
    });
});

/** The native-deployment pod with its sidecar.istio.io/status and istio.io/rev annotations replaced. */
const annotated = (annotations: Record<string, string>) =>
    variant(SHARED, "native-deployment", (p) => {
        p.metadata.annotations = annotations;
    });

/** A pod of the gateway template (inject.istio.io/templates), as a user deploys an ingress gateway. */
const gatewayTemplate = (edit: (p: Pod) => void = () => undefined) =>
    variant(SHARED, "native-deployment", (p) => {
        p.metadata.annotations = { ...p.metadata.annotations, "inject.istio.io/templates": "gateway" };
        edit(p);
    });

describe("live: the whole verdict a user sees", () => {
    const sel = () => select(REV);
    const reasonOf = (pod: Pod, owners?: OwnerIndex) => {
        const r = classifyPod(pod, sel(), owners);
        return [r.state, r.reason];
    };
    it("a natively injected pod of the namespace's revision: the full report, without a reason", () => {
        assert.deepEqual(classifyPod(load(SHARED, "native-deployment"), sel()), {
            namespace: "apps-revision",
            name: "web-767d6f4df8-2gcxs",
            mode: "native",
            role: "sidecar",
            revision: "1-31-0",
            owner: { kind: "Deployment", name: "web" },
            state: "ok",
        });
    });
    it("an uninjected pod carries no revision, even with an istio.io/rev annotation", () => {
        const pod = variant(OURS, "bare-pod", (p) => {
            p.metadata.annotations = { "istio.io/rev": "1-30-0" };
        });
        const report = classifyPod(pod, sel());
        assert.equal("revision" in report, false, JSON.stringify(report));
        assert.equal(report.reason, "no istio-proxy: created before its namespace selected 1-31-0");
    });
    it("a sidecar without a readable revision: stale, 'of an unknown revision'", () => {
        assert.deepEqual(reasonOf(annotated({})), [
            "stale",
            "native sidecar of an unknown revision; the namespace selects 1-31-0",
        ]);
    });
    it("a sidecar of another revision names both revisions", () => {
        assert.deepEqual(reasonOf(annotated({ "istio.io/rev": "1-30-0" })), [
            "stale",
            "native sidecar from revision 1-30-0; the namespace selects 1-31-0",
        ]);
    });
    it("a regular sidecar of the right revision: stale, injected before native sidecars were on", () => {
        const pod = variant(SHARED, "optout-job", (p) => {
            running(p);
            delete p.metadata.annotations?.["sidecar.istio.io/nativeSidecar"];
        });
        assert.deepEqual(reasonOf(pod), [
            "stale",
            "regular sidecar from 1-31-0: injected before native sidecars were on (or that revision has them off)",
        ]);
    });
    it("a native sidecar on a pod asking for a regular one names the annotation", () => {
        const pod = variant(SHARED, "native-deployment", (p) => {
            p.metadata.annotations = { ...p.metadata.annotations, "sidecar.istio.io/nativeSidecar": "false" };
        });
        assert.deepEqual(reasonOf(pod), [
            "stale",
            "native sidecar, but the pod asks for a regular one (annotation sidecar.istio.io/nativeSidecar=false)",
        ]);
    });
    it("a failed pod is finished, not judged", () => {
        const pod = variant(OURS, "bare-pod", (p) => {
            p.status.phase = "Failed";
        });
        assert.deepEqual(reasonOf(pod), ["finished", undefined]);
    });
    it("a null deletionTimestamp (as some clients send) is not terminating", () => {
        const pod = variant(OURS, "bare-pod", (p) => {
            p.metadata.deletionTimestamp = null;
        });
        assert.equal(classifyPod(pod, sel()).state, "stale");
    });
    it("a namespace that names no revision and says no problem: unjudged with the default reason", () => {
        const report = classifyPod(load(SHARED, "native-deployment"), { label: "istio.io/rev", value: "x" });
        assert.deepEqual([report.state, report.reason], ["unjudged", "the namespace names no revision"]);
    });
    it("istio-injection=enabled when the webhooks could not be read: unjudged, saying so", () => {
        const report = classifyPod(
            load(SHARED, "native-deployment"),
            select({ "istio-injection": "enabled" }, revisionIndex(undefined)),
        );
        assert.deepEqual(
            [report.state, report.reason],
            ["unjudged", "the webhooks could not be read, so the revision behind istio-injection=enabled is unknown"],
        );
    });
});

describe("live: pods of other templates are judged by their revision only", () => {
    const sel = () => select(REV);
    it("a gateway-template pod of the namespace's revision is ok, though its proxy is native", () => {
        const report = classifyPod(gatewayTemplate(), sel());
        assert.deepEqual([report.role, report.state, report.reason], ["gateway template", "ok", undefined]);
    });
    it("a gateway-template pod of another revision: stale, naming the template", () => {
        const pod = gatewayTemplate((p) => {
            p.metadata.annotations = { "inject.istio.io/templates": "gateway", "istio.io/rev": "1-30-0" };
        });
        assert.equal(
            classifyPod(pod, sel()).reason,
            "gateway template proxy from revision 1-30-0; the namespace selects 1-31-0",
        );
    });
    it("a gateway-template pod without a revision: stale, of an unknown revision", () => {
        const pod = gatewayTemplate((p) => {
            p.metadata.annotations = { "inject.istio.io/templates": "gateway" };
        });
        assert.equal(
            classifyPod(pod, sel()).reason,
            "gateway template proxy of an unknown revision; the namespace selects 1-31-0",
        );
    });
    it("a gateway-template pod without istio-proxy: created before the namespace's selection", () => {
        const pod = variant(OURS, "bare-pod", (p) => {
            p.metadata.annotations = { "inject.istio.io/templates": "gateway" };
        });
        const report = classifyPod(pod, sel());
        assert.deepEqual(
            [report.state, report.reason],
            ["stale", "no istio-proxy: created before its namespace selected 1-31-0"],
        );
    });
});

describe("live: the revision a pod was injected by", () => {
    it("falls back to the istio.io/rev annotation when the status has no revision", () => {
        assert.equal(
            injectedRevision(annotated({ "sidecar.istio.io/status": "{}", "istio.io/rev": "1-30-0" })),
            "1-30-0",
        );
    });
    it("falls back to the istio.io/rev annotation when the status's revision is empty", () => {
        const status = JSON.stringify({ revision: "" });
        assert.equal(injectedRevision(annotated({ "sidecar.istio.io/status": status, "istio.io/rev": "r2" })), "r2");
    });
    it("an empty istio.io/rev annotation names no revision: the sidecar is of an unknown revision", () => {
        const pod = annotated({ "istio.io/rev": "" });
        assert.equal(injectedRevision(pod), undefined);
        const report = classifyPod(pod, select(REV));
        assert.equal("revision" in report, false, JSON.stringify(report));
        assert.equal(report.reason, "native sidecar of an unknown revision; the namespace selects 1-31-0");
    });
    it("ignores a revision that is not a string", () => {
        const status = JSON.stringify({ revision: 7 });
        assert.equal(injectedRevision(annotated({ "sidecar.istio.io/status": status })), undefined);
    });
});

describe("live: owners", () => {
    const ref = (kind: string, name: string, controller?: boolean) => ({ apiVersion: "v1", kind, name, controller });
    it("an owner index key is kind/namespace/name", () => {
        assert.equal(ownerKey("Job", "live-demo", "nightly"), "Job/live-demo/nightly");
    });
    it("the controller among several owners; none when several and no controller; the only owner otherwise", () => {
        assert.deepEqual(controllerOwner({ ownerReferences: [ref("ConfigMap", "a"), ref("ReplicaSet", "rs", true)] }), {
            kind: "ReplicaSet",
            name: "rs",
        });
        assert.equal(controllerOwner({ ownerReferences: [ref("ConfigMap", "a"), ref("Secret", "b", false)] }), null);
        assert.deepEqual(controllerOwner({ ownerReferences: [ref("Secret", "b", false)] }), {
            kind: "Secret",
            name: "b",
        });
        assert.equal(controllerOwner({ ownerReferences: [] }), null);
        assert.equal(controllerOwner(undefined), null);
    });
    const podOf = (kind: string, name: string, hash?: string): Pod =>
        variant(OURS, "bare-pod", (p) => {
            p.metadata.ownerReferences = [ref(kind, name, true)];
            p.metadata.labels = hash === undefined ? {} : { "pod-template-hash": hash };
        });
    it("a ReplicaSet not named <deployment>-<pod-template-hash> must be read, and is not taken for a Deployment", () => {
        const pod = podOf("ReplicaSet", "custom-rs", "abc12");
        assert.deepEqual(ownerToRead(pod), { kind: "ReplicaSet", namespace: "live-demo", name: "custom-rs" });
        assert.deepEqual(podOwner(pod), { kind: "ReplicaSet", name: "custom-rs" });
        assert.deepEqual(podOwner(podOf("ReplicaSet", "web-abc12", "abc12")), { kind: "Deployment", name: "web" });
        assert.equal(ownerToRead(podOf("ReplicaSet", "web-abc12", "abc12")), undefined);
    });
    it("a ReplicaSet controlled by something other than a Deployment is the ReplicaSet", () => {
        const pod = podOf("ReplicaSet", "canary-rs", "abc12");
        const owners: OwnerIndex = new Map([
            [ownerKey("ReplicaSet", "live-demo", "canary-rs"), { kind: "Rollout", name: "canary" }],
        ]);
        assert.deepEqual(podOwner(pod, owners), { kind: "ReplicaSet", name: "canary-rs" });
    });
    it("a Job controlled by something other than a CronJob is the Job", () => {
        const pod = podOf("Job", "step-1");
        const owners: OwnerIndex = new Map([
            [ownerKey("Job", "live-demo", "step-1"), { kind: "Workflow", name: "wf" }],
        ]);
        assert.deepEqual(podOwner(pod, owners), { kind: "Job", name: "step-1" });
    });
    it("a pod without a namespace or a name (as a bare object may come): empty ones, read and reported", () => {
        const anonymous = (kind?: string, name?: string): PodLike => ({
            metadata: kind === undefined ? {} : { ownerReferences: [ref(kind, name ?? "", true)] },
        });
        assert.deepEqual(podOwner(anonymous()), { kind: "Pod", name: "" });
        assert.deepEqual(ownerToRead(anonymous("Job", "step-1")), { kind: "Job", namespace: "", name: "step-1" });
        // The index is keyed with the empty namespace, as ownerToRead asked for it.
        const owners: OwnerIndex = new Map([[ownerKey("Job", "", "step-1"), { kind: "CronJob", name: "nightly" }]]);
        assert.deepEqual(podOwner(anonymous("Job", "step-1"), owners), { kind: "CronJob", name: "nightly" });
        const report = classifyPod(anonymous(), select(REV));
        assert.deepEqual(report, {
            namespace: "",
            name: "",
            mode: "none",
            role: "sidecar",
            owner: { kind: "Pod", name: "" },
            state: "stale",
            reason: "no istio-proxy: created before its namespace selected 1-31-0",
        });
    });
    it("only a ReplicaSet's Deployment and a Job's CronJob stand in for them", () => {
        const owners: OwnerIndex = new Map([
            [ownerKey("Job", "live-demo", "step-1"), { kind: "Deployment", name: "d" }],
            [ownerKey("ReplicaSet", "live-demo", "canary-rs"), { kind: "CronJob", name: "c" }],
        ]);
        assert.deepEqual(podOwner(podOf("Job", "step-1"), owners), { kind: "Job", name: "step-1" });
        assert.deepEqual(podOwner(podOf("ReplicaSet", "canary-rs", "abc12"), owners), {
            kind: "ReplicaSet",
            name: "canary-rs",
        });
    });
    it("an index entry without a value is taken as no controller", () => {
        const owners = new Map([[ownerKey("Job", "live-demo", "step-1"), undefined]]) as unknown as OwnerIndex;
        assert.deepEqual(podOwner(podOf("Job", "step-1"), owners), { kind: "Job", name: "step-1" });
    });
    it("a Job's pod with a pod-template-hash label is still the Job, never a Deployment by its name", () => {
        const pod = podOf("Job", "web-abc12", "abc12");
        assert.deepEqual(podOwner(pod), { kind: "Job", name: "web-abc12" });
        assert.deepEqual(ownerToRead(pod), { kind: "Job", namespace: "live-demo", name: "web-abc12" });
    });
    it("a pod of a StatefulSet, or of no controller, needs no read", () => {
        assert.equal(ownerToRead(podOf("StatefulSet", "db", "abc12")), undefined);
        assert.equal(ownerToRead(load(OURS, "bare-pod")), undefined);
    });
    it("a StatefulSet's pod is the StatefulSet, whatever the index holds", () => {
        const pod = podOf("StatefulSet", "db");
        const owners: OwnerIndex = new Map([
            [ownerKey("StatefulSet", "live-demo", "db"), { kind: "Other", name: "x" }],
        ]);
        assert.deepEqual(podOwner(pod, owners), { kind: "StatefulSet", name: "db" });
    });
});

describe("live: revisions from the webhooks", () => {
    it("a webhook configuration without istio.io/rev names no revision", () => {
        const index = revisionIndex(
            webhooks((items) => [
                ...items,
                {
                    metadata: { name: "other", labels: {} },
                    webhooks: [{ name: "namespace.sidecar-injector.istio.io" }],
                },
            ]),
        );
        assert.deepEqual([...index.revisions], ["1-31-0"]);
        assert.equal(index.injectionEnabled, undefined);
    });
    it("the default revision serves istio-injection=enabled, with no tag", () => {
        const index = revisionIndex(webhooks(defaultRevision));
        assert.deepEqual(index.injectionEnabled, { revision: "default", via: "the default revision" });
        assert.deepEqual(select({ "istio-injection": "enabled" }, index), {
            label: "istio-injection",
            value: "enabled",
            revision: "default",
        });
    });
});

describe("live: advice for workloads restart does not touch", () => {
    it("restarts Deployments, StatefulSets and DaemonSets only", () => {
        assert.deepEqual([...RESTARTABLE], ["Deployment", "StatefulSet", "DaemonSet"]);
    });
    const ADVICE: Array<[string, string]> = [
        ["Job", "a Job's pods are never restarted: let it finish, or delete it and create it again"],
        ["CronJob", "its next scheduled Job gets the new sidecar; delete a running Job to stop it sooner"],
        ["Pod", "a bare Pod: delete it and create it again from its manifest"],
        ["ReplicaSet", "a ReplicaSet without a Deployment: delete its pods and it creates new ones"],
        [
            "Gateway",
            "istiod renders it from the Gateway, so a restart keeps its revision: label the Gateway (or its namespace) istio.io/rev with the revision, whose istiod then renders it again",
        ],
        ["Rollout", "owned by a Rollout: restart it the way its controller allows"],
        ["", "owned by a : restart it the way its controller allows"],
    ];
    for (const [kind, advice] of ADVICE)
        it(`${kind || "an empty kind"}: ${advice.slice(0, 40)}…`, () => assert.equal(adviceFor(kind), advice));
});
