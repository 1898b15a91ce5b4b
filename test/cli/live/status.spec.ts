/** `nativemesh status` against an in-process API server: paging with limit/continue, the --namespace scope. */
import * as assert from "node:assert/strict";
import { runStatus } from "../../../cli/live/status";
import { describeSelection, survey, surveyJson, surveyText, type Survey } from "../../../cli/live/survey";
import { connect } from "../../../components/live/cluster";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "../../support/tempDir";
import { bigCluster, fakeApi, io, pod, type FakeCluster, type Obj } from "../../support/fakeKubeApi";

describe("live: status against an in-process API server", () => {
    it("status pages through every list with limit 500 and continue, and judges every pod", async () => {
        const cluster = bigCluster();
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            const code = await runStatus(["--kubeconfig", api.kubeconfig, "--json"], sink);
            const report = JSON.parse(out.stdout) as {
                summary: { pods: number; stale: number; ok: number; namespaces: number };
                stale: Array<{ namespace: string; kind: string; name: string; pods: number }>;
            };
            assert.equal(code, 1);
            const expectedStale = cluster.pods.filter(
                (p) =>
                    p.metadata.namespace === "apps-3" &&
                    (p.spec as { initContainers: unknown[] }).initContainers.length === 0,
            ).length;
            assert.ok(expectedStale > 0);
            assert.deepEqual(report.summary, {
                ...report.summary,
                namespaces: 12,
                pods: 1200,
                stale: expectedStale,
                ok: 1200 - expectedStale,
            });
            assert.deepEqual(
                report.stale.map((w) => [w.namespace, w.kind, w.name, w.pods]),
                [["apps-3", "Deployment", "web", expectedStale]],
            );
            const podLists = api.requests.filter((r) => r.path === "/api/v1/pods");
            assert.deepEqual(
                podLists.map((r) => [r.query.get("limit"), r.query.get("continue")]),
                [
                    ["500", null],
                    ["500", "500"],
                    ["500", "1000"],
                ],
            );
            for (const r of api.requests.filter((r) => r.method === "GET" && /list|s$/.test(r.path)))
                assert.equal(r.query.get("limit"), "500", r.path);
        } finally {
            api.close();
        }
    });

    it("--namespace lists that namespace's pods only", async () => {
        const api = await fakeApi(bigCluster());
        try {
            const { out, io: sink } = io();
            assert.equal(
                await runStatus(["--kubeconfig", api.kubeconfig, "--namespace", "apps-4"], sink),
                0,
                out.stdout,
            );
            assert.match(out.stdout, /namespace apps-4 {2}istio\.io\/rev=1-31-0: revision 1-31-0/);
            assert.match(out.stdout, /1 meshed namespace, 100 pods: 100 ok/);
            assert.ok(api.requests.some((r) => r.path === "/api/v1/namespaces/apps-4/pods"));
            assert.ok(!api.requests.some((r) => r.path === "/api/v1/pods"));
        } finally {
            api.close();
        }
    });
});

/** Control characters a terminal acts on (C0 but line feed, DEL, C1). */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe("live: status warns about its connection", () => {
    it("what weakens the kubeconfig's connection goes to stderr, one `warning:` line each; stdout keeps the report alone", async () => {
        const cluster = smallCluster();
        cluster.pods = [pod("shop", "web-767d6f4df8-a", false)];
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            await runStatus(["--kubeconfig", api.kubeconfig, "--json"], sink);
            assert.equal(
                out.stderr,
                `warning: ${api.kubeconfig}: cluster 'fake' is served over plain http (${api.url}): requests and credentials travel unencrypted\n`,
            );
            assert.equal((JSON.parse(out.stdout) as { summary: { pods: number } }).summary.pods, 1);
        } finally {
            api.close();
        }
    });
});

describe("live: status prints what a cluster says safely", () => {
    it("control characters in pod and owner names are shown escaped; --json keeps them exact", async () => {
        const cluster = bigCluster();
        const evil = pod("apps-4", "web-\u001b]0;owned\u0007-1", true);
        const refs = evil.metadata.ownerReferences as Array<{ name: string }>;
        refs[0].name = "evil\n  apps-3 Deployment/forged (9 pods): \u009b2J";
        cluster.pods.push(evil);
        const api = await fakeApi(cluster);
        try {
            const text = io();
            assert.equal(await runStatus(["--kubeconfig", api.kubeconfig, "--namespace", "apps-4"], text.io), 1);
            assert.doesNotMatch(text.out.stdout, RAW_CONTROL);
            assert.ok(text.out.stdout.includes("web-\\x1b]0;owned\\x07-1"), text.out.stdout);
            assert.ok(text.out.stdout.includes("evil\\n  apps-3 Deployment/forged (9 pods): \\x9b2J"));
            assert.ok(!text.out.stdout.split("\n").some((l) => l.startsWith("  apps-3 Deployment/forged")));

            const json = io();
            await runStatus(["--kubeconfig", api.kubeconfig, "--namespace", "apps-4", "--json"], json.io);
            assert.doesNotMatch(json.out.stdout, RAW_CONTROL);
            const report = JSON.parse(json.out.stdout) as { namespaces: Array<{ pods: Array<{ name: string }> }> };
            assert.ok(report.namespaces[0].pods.some((p) => p.name === "web-\u001b]0;owned\u0007-1"));
        } finally {
            api.close();
        }
    });
});

/** Namespaces `shop` (one pod with its sidecar, one without, one opted out), `empty` (no pods), `lost` (a
 *  revision no webhook serves) and `plain` (not meshed). */
function smallCluster(): FakeCluster {
    const optOut = JSON.parse(
        fs.readFileSync(
            path.join(__dirname, "..", "..", "components", "live", "fixtures", "optout-label-pod.json"),
            "utf8",
        ),
    ) as Obj;
    optOut.metadata.namespace = "shop";
    return {
        namespaces: [
            { name: "shop", labels: { "istio.io/rev": "1-31-0" } },
            { name: "empty", labels: { "istio.io/rev": "1-31-0" } },
            { name: "lost", labels: { "istio.io/rev": "9-9-9" } },
            { name: "plain", labels: {} },
        ],
        pods: [
            pod("shop", "web-767d6f4df8-b", true),
            pod("shop", "web-767d6f4df8-a", false),
            optOut,
            pod("lost", "web-767d6f4df8-c", false),
            pod("plain", "other-767d6f4df8-d", true),
        ],
        deployments: new Map(),
    };
}

const NO_WEBHOOK = "no webhook serves istio.io/rev=9-9-9 (neither a revision nor a tag)";
const BEFORE_NS = "no istio-proxy: created before its namespace selected 1-31-0";

describe("live: status reports what it finds", () => {
    it("the text report: a block per meshed namespace with its pod table, the counts, the problems and the stale workloads, exit 1", async () => {
        const api = await fakeApi(smallCluster());
        try {
            const { out, io: sink } = io();
            assert.equal(await runStatus(["--kubeconfig", api.kubeconfig], sink), 1);
            assert.equal(
                out.stdout,
                [
                    `context fake, API server ${api.url}`,
                    "",
                    "namespace empty  istio.io/rev=1-31-0: revision 1-31-0",
                    "  (no pods)",
                    "",
                    `namespace lost  istio.io/rev=9-9-9: ${NO_WEBHOOK}`,
                    "  POD               MODE    REVISION  OWNER           STATE",
                    `  web-767d6f4df8-c  native  1-31-0    Deployment/web  unjudged: ${NO_WEBHOOK}`,
                    "",
                    "namespace shop  istio.io/rev=1-31-0: revision 1-31-0",
                    "  POD               MODE    REVISION  OWNER           STATE",
                    "  optout            none    -         Pod/optout      opt-out: label sidecar.istio.io/inject=false",
                    "  web-767d6f4df8-a  native  1-31-0    Deployment/web  ok",
                    `  web-767d6f4df8-b  none    -         Deployment/web  stale: ${BEFORE_NS}`,
                    "",
                    "3 meshed namespaces, 4 pods: 1 ok, 1 opted out, 1 stale, 0 finished, 0 terminating, 1 unjudged",
                    `problem: namespace lost: ${NO_WEBHOOK}`,
                    "stale workloads (1):",
                    `  shop Deployment/web (1 pod): ${BEFORE_NS}`,
                    "",
                ].join("\n"),
            );
        } finally {
            api.close();
        }
    });

    it("--json: every namespace with its selection and pods (absent values null), the stale workloads, the problems and the counts", async () => {
        const api = await fakeApi(smallCluster());
        try {
            const { out, io: sink } = io();
            assert.equal(await runStatus(["--kubeconfig", api.kubeconfig, "--json"], sink), 1);
            const owner = { kind: "Deployment", name: "web" };
            const ns = (name: string, value: string, revision: string | null, problem: string | null) => ({
                name,
                label: "istio.io/rev",
                value,
                tag: null,
                revision,
                problem,
            });
            const pd = (name: string, fields: Record<string, unknown>) => ({
                name,
                mode: "native",
                role: "sidecar",
                revision: "1-31-0",
                owner,
                state: "ok",
                optOut: null,
                reason: null,
                ...fields,
            });
            assert.deepEqual(JSON.parse(out.stdout), {
                context: "fake",
                server: api.url,
                webhooksRead: true,
                namespaces: [
                    { ...ns("empty", "1-31-0", "1-31-0", null), pods: [] },
                    {
                        ...ns("lost", "9-9-9", null, NO_WEBHOOK),
                        pods: [pd("web-767d6f4df8-c", { state: "unjudged", reason: NO_WEBHOOK })],
                    },
                    {
                        ...ns("shop", "1-31-0", "1-31-0", null),
                        pods: [
                            pd("optout", {
                                mode: "none",
                                revision: null,
                                owner: { kind: "Pod", name: "optout" },
                                state: "opt-out",
                                optOut: "label sidecar.istio.io/inject=false",
                            }),
                            pd("web-767d6f4df8-a", {}),
                            pd("web-767d6f4df8-b", { mode: "none", revision: null, state: "stale", reason: BEFORE_NS }),
                        ],
                    },
                ],
                stale: [{ namespace: "shop", kind: "Deployment", name: "web", pods: 1, reasons: [BEFORE_NS] }],
                problems: [`namespace lost: ${NO_WEBHOOK}`],
                summary: {
                    namespaces: 3,
                    pods: 4,
                    ok: 1,
                    optOut: 1,
                    stale: 1,
                    finished: 0,
                    terminating: 0,
                    unjudged: 1,
                    staleWorkloads: 1,
                },
            });
        } finally {
            api.close();
        }
    });

    it("nothing stale and every label served: one line says so, exit 0", async () => {
        const cluster = smallCluster();
        cluster.pods = [pod("shop", "web-767d6f4df8-a", false)];
        cluster.namespaces = cluster.namespaces.filter((n) => n.name === "shop");
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runStatus(["--kubeconfig", api.kubeconfig], sink), 0);
            assert.deepEqual(out.stdout.split("\n").slice(-3), [
                "1 meshed namespace, 1 pod: 1 ok, 0 opted out, 0 stale, 0 finished, 0 terminating, 0 unjudged",
                "every pod has the native sidecar of its namespace's revision (or opted out)",
                "",
            ]);
        } finally {
            api.close();
        }
    });

    it("a label no control plane serves and nothing stale: the problem is listed, no all-clear line, exit 1", async () => {
        const cluster = smallCluster();
        cluster.pods = [pod("lost", "web-767d6f4df8-c", false)];
        cluster.namespaces = cluster.namespaces.filter((n) => n.name === "lost");
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runStatus(["--kubeconfig", api.kubeconfig], sink), 1);
            assert.deepEqual(out.stdout.split("\n").slice(-3), [
                "1 meshed namespace, 1 pod: 0 ok, 0 opted out, 0 stale, 0 finished, 0 terminating, 1 unjudged",
                `problem: namespace lost: ${NO_WEBHOOK}`,
                "",
            ]);
        } finally {
            api.close();
        }
    });

    it("no meshed namespace: the report says so, exit 0", async () => {
        const cluster = smallCluster();
        cluster.namespaces = cluster.namespaces.filter((n) => n.name === "plain");
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runStatus(["--kubeconfig", api.kubeconfig], sink), 0);
            assert.equal(
                out.stdout,
                [
                    `context fake, API server ${api.url}`,
                    "",
                    "no meshed namespace (none labelled istio.io/rev or istio-injection=enabled)",
                    "",
                    "0 meshed namespaces, 0 pods: 0 ok, 0 opted out, 0 stale, 0 finished, 0 terminating, 0 unjudged",
                    "every pod has the native sidecar of its namespace's revision (or opted out)",
                    "",
                ].join("\n"),
            );
            assert.ok(!api.requests.some((r) => r.path.endsWith("/pods")), "no pods are listed");
        } finally {
            api.close();
        }
    });

    it("webhook configurations forbidden: a note says labels are taken as revisions, --json says webhooksRead false", async () => {
        const cluster = smallCluster();
        cluster.raw = new Map([
            [
                "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
                {
                    code: 403,
                    body: JSON.stringify({ kind: "Status", status: "Failure", reason: "Forbidden", code: 403 }),
                },
            ],
        ]);
        const api = await fakeApi(cluster);
        try {
            const text = io();
            await runStatus(["--kubeconfig", api.kubeconfig], text.io);
            assert.deepEqual(text.out.stdout.split("\n").slice(0, 3), [
                `context fake, API server ${api.url}`,
                "note: the MutatingWebhookConfigurations could not be read (forbidden): namespace labels are taken as revisions, tags cannot be resolved",
                "",
            ]);
            const json = io();
            await runStatus(["--kubeconfig", api.kubeconfig, "--json"], json.io);
            assert.equal((JSON.parse(json.out.stdout) as { webhooksRead: boolean }).webhooksRead, false);
        } finally {
            api.close();
        }
    });

    for (const [count, perNamespace] of [
        [7, true],
        [8, false],
    ] as const)
        it(`${count} meshed namespaces: pods are listed ${perNamespace ? "namespace by namespace" : "cluster-wide"}`, async () => {
            const cluster = bigCluster();
            cluster.namespaces = cluster.namespaces.slice(0, count);
            const api = await fakeApi(cluster);
            try {
                const { out, io: sink } = io();
                await runStatus(["--kubeconfig", api.kubeconfig, "--json"], sink);
                const pods = api.requests.filter((r) => r.path.endsWith("/pods")).map((r) => r.path);
                assert.deepEqual(
                    [...new Set(pods)],
                    perNamespace
                        ? cluster.namespaces.map((n) => `/api/v1/namespaces/${n.name}/pods`)
                        : ["/api/v1/pods"],
                );
                assert.equal((JSON.parse(out.stdout) as { summary: { pods: number } }).summary.pods, count * 100);
            } finally {
                api.close();
            }
        });
});

describe("live: status --help and --desired", () => {
    /** The stack selects 1-31-0 for shop (as live), 1-29-0 for empty (live 1-31-0) and 1-31-0 for gone (absent). */
    function desiredFile(): string {
        const file = path.join(tempDir("status-desired"), "outputs.json");
        fs.writeFileSync(
            file,
            JSON.stringify({
                namespaceSelections: {
                    namespaces: { shop: "1-31-0", empty: "1-29-0", gone: "1-31-0" },
                    formance: { stacks: [], wanted: "prod", key: "formance.namespaceRevisionTag" },
                },
            }),
        );
        return file;
    }

    it("--desired: after the report, every namespace whose label is not the stack's, exit 1 even with nothing stale", async () => {
        const cluster = smallCluster();
        cluster.pods = [pod("shop", "web-767d6f4df8-a", false)];
        cluster.namespaces = cluster.namespaces.filter((n) => n.name !== "lost");
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runStatus(["--kubeconfig", api.kubeconfig, "--desired", desiredFile()], sink), 1);
            assert.deepEqual(out.stdout.split("\n").slice(-5), [
                "every pod has the native sidecar of its namespace's revision (or opted out)",
                "namespaces whose label is not the stack's (2):",
                "  empty: carries istio.io/rev=1-31-0; the stack selects istio.io/rev=1-29-0 (namespaces)",
                "  gone: does not exist; the stack selects istio.io/rev=1-31-0 (namespaces)",
                "",
            ]);
        } finally {
            api.close();
        }
    });

    it("--desired with --json: the disagreements under `desired`; --namespace keeps that namespace's only", async () => {
        const cluster = smallCluster();
        cluster.pods = [pod("shop", "web-767d6f4df8-a", false)];
        const api = await fakeApi(cluster);
        try {
            const file = desiredFile();
            const all = io();
            await runStatus(["--kubeconfig", api.kubeconfig, "--desired", file, "--json"], all.io);
            assert.deepEqual((JSON.parse(all.out.stdout) as { desired: unknown }).desired, [
                { namespace: "empty", live: "istio.io/rev=1-31-0", wanted: "istio.io/rev=1-29-0", from: "namespaces" },
                {
                    namespace: "gone",
                    live: "none",
                    wanted: "istio.io/rev=1-31-0",
                    from: "namespaces",
                    missing: true,
                },
            ]);
            const one = io();
            const code = await runStatus(
                ["--kubeconfig", api.kubeconfig, "--desired", file, "--json", "--namespace", "shop"],
                one.io,
            );
            assert.deepEqual((JSON.parse(one.out.stdout) as { desired: unknown }).desired, []);
            assert.equal(code, 0, "shop carries what the stack selects and nothing there is stale");
            const text = io();
            await runStatus(["--kubeconfig", api.kubeconfig, "--desired", file, "--namespace", "empty"], text.io);
            assert.deepEqual(text.out.stdout.split("\n").slice(-3), [
                "namespaces whose label is not the stack's (1):",
                "  empty: carries istio.io/rev=1-31-0; the stack selects istio.io/rev=1-29-0 (namespaces)",
                "",
            ]);
        } finally {
            api.close();
        }
    });

    it("without --desired the JSON has no `desired` key", async () => {
        const api = await fakeApi(smallCluster());
        try {
            const { out, io: sink } = io();
            await runStatus(["--kubeconfig", api.kubeconfig, "--json"], sink);
            assert.ok(!("desired" in (JSON.parse(out.stdout) as object)));
        } finally {
            api.close();
        }
    });

    it("--help prints the usage, what status lists, every flag and the exit codes, and asks the cluster nothing, exit 0", async () => {
        const { out, io: sink } = io();
        assert.equal(await runStatus(["--help"], sink), 0);
        assert.equal(
            out.stdout,
            [
                "usage: nativemesh status --kubeconfig FILE [--context NAME] [--namespace NS] [--desired FILE] [--json]",
                "",
                "  Lists every meshed namespace (labelled istio.io/rev=<revision or tag>, or istio-injection=enabled) with the",
                "  revision it selects, and every pod there: proxy mode (native, regular, none), the revision that injected it,",
                "  its owner (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod) and its state (ok, opt-out, stale,",
                "  finished, terminating, unjudged). Pods of the sidecar template need the native sidecar; gateway-template",
                "  pods (a regular istio-proxy by design), waypoints and Gateway API gateways are judged by their revision only.",
                "  Lists are read in pages of 500.",
                "",
                "  --kubeconfig FILE   the cluster's kubeconfig (required)",
                "  --context NAME      a context of it (default: its current-context)",
                "  --namespace NS      only this namespace",
                "  --desired FILE      `pulumi stack output --json` of the stack: also list every namespace (declared, canary,",
                "                      Formance) whose live istio.io/rev is not what the stack selects (exit 1 when one is not)",
                "  --json              one JSON object on stdout",
                "",
                "Exit codes: 0 nothing stale, 1 stale workloads (listed with why; with --desired also a label not the stack's), 2 bad input.",
                "",
            ].join("\n"),
        );
    });
});

/** A copy of pod() whose controller is `kind` `owner` (uid `uid`); a ReplicaSet's pods carry `hash` as their
 *  pod-template-hash (the Deployment controller's naming, or not). */
function ownedPod(
    ns: string,
    name: string,
    stale: boolean,
    owner: { kind: string; name: string; uid?: string; hash?: string },
): Obj {
    const p = pod(ns, name, stale);
    p.metadata.ownerReferences = [
        {
            apiVersion: owner.kind === "Job" ? "batch/v1" : "apps/v1",
            blockOwnerDeletion: true,
            controller: true,
            kind: owner.kind,
            name: owner.name,
            uid: owner.uid ?? `uid-${owner.name}`,
        },
    ];
    const labels = p.metadata.labels as Record<string, string>;
    if (owner.hash === undefined) delete labels["pod-template-hash"];
    else labels["pod-template-hash"] = owner.hash;
    return p;
}

/** A Job or ReplicaSet `name` of `ns` whose controller is `kind` `parent`. */
function controlled(ns: string, name: string, kind: string, parent: string): Obj {
    return {
        metadata: {
            name,
            namespace: ns,
            ownerReferences: [{ apiVersion: "v1", kind, name: parent, uid: `uid-${parent}`, controller: true }],
        },
    };
}

/** The GETs of single Jobs and ReplicaSets, as `namespace/kind/name`. */
function ownerReads(requests: Array<{ method: string; path: string }>): string[] {
    return requests.flatMap((r) => {
        const m = r.path.match(/^\/apis\/(?:batch|apps)\/v1\/namespaces\/([^/]+)\/(jobs|replicasets)\/([^/]+)$/);
        return m === null ? [] : [`${m[1]}/${m[2]}/${m[3]}`];
    });
}

describe("live: status names the workload behind Jobs and ReplicaSets", () => {
    it("a CronJob's Job and a ReplicaSet not named after its Deployment: both are read, the report names the CronJob (its pods' reasons together) and the Deployment", async () => {
        // One pod of the Job was injected by an older revision.
        const older = ownedPod("batch", "backup-29000000-m3n8q", false, { kind: "Job", name: "backup-29000000" });
        const annotations = older.metadata.annotations as Record<string, string>;
        annotations["sidecar.istio.io/status"] = annotations["sidecar.istio.io/status"].replace("1-31-0", "1-29-0");
        annotations["istio.io/rev"] = "1-29-0";
        const cluster: FakeCluster = {
            namespaces: [{ name: "batch", labels: { "istio.io/rev": "1-31-0" } }],
            pods: [
                ownedPod("batch", "backup-29000000-x7k2p", true, { kind: "Job", name: "backup-29000000" }),
                older,
                ownedPod("batch", "legacy-q9z", true, { kind: "ReplicaSet", name: "legacy", hash: "767d6f4df8" }),
            ],
            deployments: new Map(),
            jobs: new Map([["batch/backup-29000000", controlled("batch", "backup-29000000", "CronJob", "backup")]]),
            replicaSets: new Map([["batch/legacy", controlled("batch", "legacy", "Deployment", "api")]]),
        };
        const OLDER = "native sidecar from revision 1-29-0; the namespace selects 1-31-0";
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runStatus(["--kubeconfig", api.kubeconfig], sink), 1);
            assert.equal(
                out.stdout,
                [
                    `context fake, API server ${api.url}`,
                    "",
                    "namespace batch  istio.io/rev=1-31-0: revision 1-31-0",
                    "  POD                    MODE    REVISION  OWNER           STATE",
                    `  backup-29000000-m3n8q  native  1-29-0    CronJob/backup  stale: ${OLDER}`,
                    `  backup-29000000-x7k2p  none    -         CronJob/backup  stale: ${BEFORE_NS}`,
                    `  legacy-q9z             none    -         Deployment/api  stale: ${BEFORE_NS}`,
                    "",
                    "1 meshed namespace, 3 pods: 0 ok, 0 opted out, 3 stale, 0 finished, 0 terminating, 0 unjudged",
                    "stale workloads (2):",
                    `  batch CronJob/backup (2 pods): ${OLDER}; ${BEFORE_NS}`,
                    `  batch Deployment/api (1 pod): ${BEFORE_NS}`,
                    "",
                ].join("\n"),
            );
            assert.deepEqual(ownerReads(api.requests), ["batch/jobs/backup-29000000", "batch/replicasets/legacy"]);
        } finally {
            api.close();
        }
    });

    it("pods are judged a page at a time: the Jobs a page names are read before the next page is listed", async () => {
        // 501 pods of one namespace: the first names Job nightly-1 (page one), the last Job nightly-2 (page two).
        const pods = Array.from({ length: 501 }, (_, i) => pod("batch", `web-767d6f4df8-${i}`, false));
        pods[0] = ownedPod("batch", "nightly-1-a", false, { kind: "Job", name: "nightly-1" });
        pods[500] = ownedPod("batch", "nightly-2-a", false, { kind: "Job", name: "nightly-2" });
        const cluster: FakeCluster = {
            namespaces: [{ name: "batch", labels: { "istio.io/rev": "1-31-0" } }],
            pods,
            deployments: new Map(),
            jobs: new Map(
                ["nightly-1", "nightly-2"].map((j) => [`batch/${j}`, controlled("batch", j, "CronJob", "nightly")]),
            ),
        };
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runStatus(["--kubeconfig", api.kubeconfig, "--json"], sink), 0, out.stdout);
            const report = JSON.parse(out.stdout) as {
                namespaces: Array<{ pods: Array<{ name: string; owner: unknown }> }>;
            };
            const owners = new Map(report.namespaces[0].pods.map((p) => [p.name, p.owner]));
            assert.deepEqual(owners.get("nightly-1-a"), { kind: "CronJob", name: "nightly" });
            assert.deepEqual(owners.get("nightly-2-a"), { kind: "CronJob", name: "nightly" });
            assert.deepEqual(
                api.requests
                    .filter((r) => /\/(pods|jobs\/.*)$/.test(r.path))
                    .map((r) => `${r.path} ${r.query.get("continue") ?? ""}`.trimEnd()),
                [
                    "/api/v1/namespaces/batch/pods",
                    "/apis/batch/v1/namespaces/batch/jobs/nightly-1",
                    "/api/v1/namespaces/batch/pods 500",
                    "/apis/batch/v1/namespaces/batch/jobs/nightly-2",
                ],
            );
        } finally {
            api.close();
        }
    });

    it("the Jobs of a page are read together, not a pod at a time: the first is answered only once the second is asked for", async () => {
        const cluster: FakeCluster = {
            namespaces: [{ name: "batch", labels: { "istio.io/rev": "1-31-0" } }],
            pods: [
                ownedPod("batch", "nightly-1-a", false, { kind: "Job", name: "nightly-1" }),
                ownedPod("batch", "nightly-2-a", false, { kind: "Job", name: "nightly-2" }),
            ],
            deployments: new Map(),
            jobs: new Map(
                ["nightly-1", "nightly-2"].map((j) => [`batch/${j}`, controlled("batch", j, "CronJob", "nightly")]),
            ),
        };
        let secondAsked = () => {};
        const second = new Promise<void>((resolve) => (secondAsked = resolve));
        cluster.holdAnswer = (p) => {
            if (p.endsWith("/jobs/nightly-2")) secondAsked();
            return p.endsWith("/jobs/nightly-1") ? second : undefined;
        };
        const api = await fakeApi(cluster);
        try {
            // Read one pod at a time, the first Job would never be answered: the request times out instead.
            const found = await survey(await connect({ kubeconfig: api.kubeconfig, requestTimeoutMs: 10_000 }));
            assert.deepEqual(
                found.namespaces[0].pods.map((p) => [p.name, p.owner.kind, p.owner.name]),
                [
                    ["nightly-1-a", "CronJob", "nightly"],
                    ["nightly-2-a", "CronJob", "nightly"],
                ],
            );
        } finally {
            api.close();
        }
    });

    it("listed cluster-wide, pods of a namespace not meshed are skipped: their Jobs are not read", async () => {
        const cluster = bigCluster();
        cluster.pods.push(
            ownedPod("plain", "cleanup-1-a", true, { kind: "Job", name: "cleanup-1" }),
            ownedPod("apps-0", "report-1-a", false, { kind: "Job", name: "report-1" }),
        );
        cluster.jobs = new Map([
            ["plain/cleanup-1", controlled("plain", "cleanup-1", "CronJob", "cleanup")],
            ["apps-0/report-1", controlled("apps-0", "report-1", "CronJob", "report")],
        ]);
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            await runStatus(["--kubeconfig", api.kubeconfig, "--json"], sink);
            const report = JSON.parse(out.stdout) as { summary: { pods: number } };
            assert.equal(report.summary.pods, 1201);
            assert.ok(
                api.requests.some((r) => r.path === "/api/v1/pods"),
                "pods are listed cluster-wide",
            );
            assert.deepEqual(ownerReads(api.requests), ["apps-0/jobs/report-1"]);
        } finally {
            api.close();
        }
    });
});

describe("live: the survey behind status and restart", () => {
    it("for each stale workload, keyed namespace/kind/name, the controller reference of its first stale pod (not of a pod that is ok)", async () => {
        // shop: web's new ReplicaSet has a pod that is ok, listed before two stale pods of two older ones.
        const cluster: FakeCluster = {
            namespaces: ["shop", "apps"].map((name) => ({ name, labels: { "istio.io/rev": "1-31-0" } })),
            pods: [
                ownedPod("shop", "web-5c9b8d7f6-a", false, {
                    kind: "ReplicaSet",
                    name: "web-5c9b8d7f6",
                    uid: "uid-new-replicaset",
                    hash: "5c9b8d7f6",
                }),
                pod("shop", "web-767d6f4df8-b", true),
                ownedPod("shop", "web-6f8d9c7b5-c", true, {
                    kind: "ReplicaSet",
                    name: "web-6f8d9c7b5",
                    uid: "uid-older-replicaset",
                    hash: "6f8d9c7b5",
                }),
                pod("apps", "web-767d6f4df8-d", true),
            ],
            deployments: new Map(),
        };
        const api = await fakeApi(cluster);
        try {
            const found = await survey(await connect({ kubeconfig: api.kubeconfig }));
            assert.deepEqual(
                found.stale.map((w) => [w.namespace, w.kind, w.name, w.pods]),
                [
                    ["apps", "Deployment", "web", 1],
                    ["shop", "Deployment", "web", 2],
                ],
            );
            const oldReplicaSet = (pod("shop", "x", true).metadata.ownerReferences as unknown[])[0];
            assert.deepEqual(
                [...found.ownerRefs].sort(([a], [b]) => a.localeCompare(b)),
                [
                    ["apps/Deployment/web", oldReplicaSet],
                    ["shop/Deployment/web", oldReplicaSet],
                ],
            );
        } finally {
            api.close();
        }
    });

    it("a namespace labelled with a revision tag: its line names the tag and the revision behind it", async () => {
        const cluster: FakeCluster = {
            namespaces: [{ name: "shop", labels: { "istio.io/rev": "local-stable" } }],
            pods: [pod("shop", "web-767d6f4df8-a", false)],
            deployments: new Map(),
        };
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runStatus(["--kubeconfig", api.kubeconfig], sink), 0);
            assert.deepEqual(out.stdout.split("\n").slice(1, 5), [
                "",
                "namespace shop  istio.io/rev=local-stable: tag local-stable → revision 1-31-0",
                "  POD               MODE    REVISION  OWNER           STATE",
                "  web-767d6f4df8-a  native  1-31-0    Deployment/web  ok",
            ]);
        } finally {
            api.close();
        }
    });

    it("describeSelection: a selection with neither a revision nor a problem reads `no revision`", () => {
        assert.equal(describeSelection({ label: "istio.io/rev", value: "canary" }), "istio.io/rev=canary: no revision");
        assert.equal(
            describeSelection({ label: "istio.io/rev", value: "canary", revision: "1-31-0" }),
            "istio.io/rev=canary: revision 1-31-0",
        );
    });
});

describe("live: the survey as text", () => {
    /** A survey written by hand: namespaces `canary` (a label naming no revision) and `edge`, pods in every state
     *  but stale, an unjudged and an opted-out one without their why. */
    function handMade(): Survey {
        const owner = (kind: string, name: string) => ({ kind, name });
        return {
            context: "prod",
            server: "https://10.0.0.1:6443",
            webhooksRead: true,
            namespaces: [
                {
                    name: "canary",
                    selection: { label: "istio.io/rev", value: "canary" },
                    pods: [
                        {
                            namespace: "canary",
                            name: "api-1",
                            mode: "native",
                            role: "sidecar",
                            revision: "1-31-0",
                            owner: owner("Deployment", "api"),
                            state: "unjudged",
                        },
                    ],
                },
                {
                    name: "edge",
                    selection: { label: "istio.io/rev", value: "1-31-0", revision: "1-31-0" },
                    pods: [
                        {
                            namespace: "edge",
                            name: "gw-1",
                            mode: "regular",
                            role: "gateway template",
                            revision: "1-31-0",
                            owner: owner("Deployment", "gw"),
                            state: "ok",
                        },
                        {
                            namespace: "edge",
                            name: "migrate-1",
                            mode: "native",
                            role: "sidecar",
                            revision: "1-31-0",
                            owner: owner("Job", "migrate"),
                            state: "finished",
                        },
                        {
                            namespace: "edge",
                            name: "old-1",
                            mode: "native",
                            role: "sidecar",
                            revision: "1-31-0",
                            owner: owner("Deployment", "old"),
                            state: "terminating",
                        },
                        {
                            namespace: "edge",
                            name: "tool",
                            mode: "none",
                            role: "sidecar",
                            owner: owner("Pod", "tool"),
                            state: "opt-out",
                        },
                    ],
                },
            ],
            stale: [],
            problems: [],
            ownerRefs: new Map(),
        };
    }

    it("a proxy of another template shows its role after its mode; a state without its why ends at the colon; finished and terminating pods are counted", () => {
        assert.equal(
            surveyText(handMade()),
            [
                "context prod, API server https://10.0.0.1:6443",
                "",
                "namespace canary  istio.io/rev=canary: no revision",
                "  POD    MODE    REVISION  OWNER           STATE",
                "  api-1  native  1-31-0    Deployment/api  unjudged:",
                "",
                "namespace edge  istio.io/rev=1-31-0: revision 1-31-0",
                "  POD        MODE                        REVISION  OWNER           STATE",
                "  gw-1       regular (gateway template)  1-31-0    Deployment/gw   ok",
                "  migrate-1  native                      1-31-0    Job/migrate     finished",
                "  old-1      native                      1-31-0    Deployment/old  terminating",
                "  tool       none                        -         Pod/tool        opt-out:",
                "",
                "2 meshed namespaces, 5 pods: 1 ok, 1 opted out, 0 stale, 1 finished, 1 terminating, 1 unjudged",
                "every pod has the native sidecar of its namespace's revision (or opted out)",
                "",
            ].join("\n"),
        );
        assert.deepEqual(surveyJson(handMade()).summary, {
            namespaces: 2,
            pods: 5,
            ok: 1,
            optOut: 1,
            stale: 0,
            finished: 1,
            terminating: 1,
            unjudged: 1,
            staleWorkloads: 0,
        });
    });
});
