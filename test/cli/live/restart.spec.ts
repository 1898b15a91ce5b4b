/** `nativemesh restart` against an in-process API server: the restart patch, the rollout wait, --dry-run. */
import * as assert from "node:assert/strict";
import { restartAll, runRestart, type RestartResult } from "../../../cli/live/restart";
import { connect } from "../../../components/live/cluster";
import {
    bigCluster,
    fakeApi,
    io,
    pod,
    RS_UID,
    WEB_UID,
    webDeployment,
    type FakeCluster,
    type Obj,
} from "../../support/fakeKubeApi";

/** A clock that moves only when the wait sleeps, recording each sleep. */
function fakeClock() {
    let t = 0;
    const sleeps: number[] = [];
    return {
        sleeps,
        now: () => t,
        sleep: async (ms: number) => {
            sleeps.push(ms);
            t += ms;
        },
    };
}

describe("live: restart against an in-process API server", () => {
    it("restart patches the Deployment as kubectl does, waits for it, and looks again", async () => {
        const cluster = bigCluster();
        const web: Obj = {
            metadata: { name: "web", namespace: "apps-3", generation: 2 },
            spec: { replicas: 100 },
            status: { observedGeneration: 2, replicas: 100, updatedReplicas: 100, availableReplicas: 100 },
        };
        webDeployment(cluster, web);
        let patched = 0;
        cluster.onPatch = () => {
            patched++;
            // The controller re-creates the pods; the injector gives them the sidecar.
            cluster.pods = cluster.pods.map((p) =>
                p.metadata.namespace === "apps-3" ? pod("apps-3", p.metadata.name, false) : p,
            );
        };
        const api = await fakeApi(cluster);
        try {
            const dry = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig, "--dry-run"], dry.io), 1);
            assert.match(dry.out.stdout, /would restart apps-3 Deployment\/web/);
            assert.equal(patched, 0, "--dry-run changes nothing");
            assert.ok(!api.requests.some((r) => r.method !== "GET"));

            const { out, io: sink } = io();
            const code = await runRestart(
                ["--kubeconfig", api.kubeconfig, "--json", "--timeout", "10"],
                sink,
                fakeClock(),
            );
            assert.equal(code, 0, out.stdout + out.stderr);
            const report = JSON.parse(out.stdout) as {
                restarts: Array<{ outcome: string; name: string }>;
                stillStale: unknown[];
                after: { stale: number };
            };
            assert.deepEqual(
                report.restarts.map((r) => [r.name, r.outcome]),
                [["web", "restarted"]],
            );
            assert.deepEqual(report.stillStale, []);
            const patches = api.requests.filter((r) => r.method === "PATCH");
            assert.equal(patches.length, 1);
            assert.equal(patches[0].path, "/apis/apps/v1/namespaces/apps-3/deployments/web");
            assert.equal(patches[0].contentType, "application/strategic-merge-patch+json");
            const annotations = (
                patches[0].body as { spec: { template: { metadata: { annotations: Record<string, string> } } } }
            ).spec.template.metadata.annotations;
            assert.deepEqual(Object.keys(annotations), ["kubectl.kubernetes.io/restartedAt"]);
            assert.match(annotations["kubectl.kubernetes.io/restartedAt"], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        } finally {
            api.close();
        }
    });

    it("a rollout that never completes is reported as timed out after --timeout, polling each second, exit 1", async () => {
        const cluster = bigCluster();
        webDeployment(cluster, {
            metadata: { name: "web", namespace: "apps-3", generation: 3 },
            spec: { replicas: 100 },
            status: { observedGeneration: 2 },
        });
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            const clock = fakeClock();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig, "--timeout", "30"], sink, clock), 1);
            assert.match(
                out.stdout,
                /timed out apps-3 Deployment\/web \(30 s\): rollout not complete after 30 s: .*spec update to be observed/,
            );
            assert.match(out.stdout, /still stale after the restart \(1\)/);
            assert.deepEqual(
                clock.sleeps,
                Array.from({ length: 30 }, () => 1000),
            );
        } finally {
            api.close();
        }
    });

    for (const [flags, parallel] of [
        [["--max-unavailable", "2"], 2],
        [[], 1],
    ] as const)
        it(`${flags.length > 0 ? flags.join(" ") : "by default"}: ${parallel} workload(s) restarted at a time, never more, and every one of them`, async () => {
            // Four stale Deployments; each completes on its fourth read after its patch.
            const namespaces = ["a", "b", "c", "d"].map((n) => `apps-${n}`);
            const cluster: FakeCluster = {
                namespaces: namespaces.map((name) => ({ name, labels: { "istio.io/rev": "1-31-0" } })),
                pods: namespaces.flatMap((ns) => [0, 1].map((i) => pod(ns, `web-767d6f4df8-${i}`, true))),
                deployments: new Map(
                    namespaces.map((ns) => [
                        `${ns}/web`,
                        {
                            metadata: { name: "web", namespace: ns, generation: 1 },
                            spec: { replicas: 2 },
                            status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
                        },
                    ]),
                ),
            };
            // Each Deployment is the object its pods' ReplicaSet names (restart checks the UIDs).
            for (const ns of namespaces) webDeployment(cluster, cluster.deployments.get(`${ns}/web`)!, {}, ns);
            const readsSincePatch = new Map<string, number>();
            let widest = 0;
            cluster.onPatch = (ns) => {
                const deployment = cluster.deployments.get(`${ns}/web`)!;
                deployment.metadata.generation = 2;
                readsSincePatch.set(ns, 0);
                widest = Math.max(widest, readsSincePatch.size);
            };
            cluster.onRead = (ns) => {
                const reads = readsSincePatch.get(ns);
                if (reads === undefined) return;
                if (reads + 1 < 4) return void readsSincePatch.set(ns, reads + 1);
                readsSincePatch.delete(ns);
                cluster.deployments.get(`${ns}/web`)!.status = {
                    observedGeneration: 2,
                    replicas: 2,
                    updatedReplicas: 2,
                    availableReplicas: 2,
                };
                cluster.pods = cluster.pods.map((p) =>
                    p.metadata.namespace === ns ? pod(ns, p.metadata.name, false) : p,
                );
            };
            const api = await fakeApi(cluster);
            try {
                const { out, io: sink } = io();
                const code = await runRestart(["--kubeconfig", api.kubeconfig, ...flags, "--json"], sink, fakeClock());
                assert.equal(code, 0, out.stdout + out.stderr);
                const report = JSON.parse(out.stdout) as { restarts: Array<{ namespace: string; outcome: string }> };
                assert.deepEqual(
                    report.restarts.map((r) => [r.namespace, r.outcome]),
                    namespaces.map((ns) => [ns, "restarted"]),
                );
                assert.equal(widest, parallel, "Deployments rolling out at the same time");
                assert.match(
                    out.stderr,
                    new RegExp(
                        `^restarting 4 workloads, at most ${parallel} at a time, waiting up to 300 s for each$`,
                        "m",
                    ),
                );
            } finally {
                api.close();
            }
        });
});

/** Control characters a terminal acts on (C0 but line feed, DEL, C1). */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe("live: restart checks the owner's UID before it patches", () => {
    for (const [what, uids, expected] of [
        [
            "the Deployment is another object than the one its ReplicaSet names",
            { web: "0badc0de-new-deployment" },
            /skipped apps-3 Deployment\/web .*Deployment web has uid 0badc0de-new-deployment, its pods' owner is 5d1f0c1e-0000-4000-8000-00000000web1: not patched/,
        ],
        [
            "the ReplicaSet is another object than the one the pods name",
            { rs: "0badc0de-new-replicaset" },
            /skipped apps-3 Deployment\/web .*ReplicaSet web-767d6f4df8 has uid 0badc0de-new-replicaset, its pods name 749bc130-660f-46f0-b110-207f25c6ad4e: not patched/,
        ],
    ] as const) {
        it(`${what}: nothing is patched, one line says why, exit 1`, async () => {
            const cluster = bigCluster();
            webDeployment(
                cluster,
                {
                    metadata: { name: "web", namespace: "apps-3", generation: 2 },
                    spec: { replicas: 100 },
                    status: { observedGeneration: 2, replicas: 100, updatedReplicas: 100, availableReplicas: 100 },
                },
                uids,
            );
            const api = await fakeApi(cluster);
            try {
                const { out, io: sink } = io();
                assert.equal(await runRestart(["--kubeconfig", api.kubeconfig, "--timeout", "5"], sink), 1);
                assert.match(out.stdout, expected);
                assert.ok(!api.requests.some((r) => r.method === "PATCH"), "a PATCH was sent");
            } finally {
                api.close();
            }
        });
    }
});

describe("live: restart prints what a cluster says safely", () => {
    it("control characters in an owner's name are shown escaped", async () => {
        const cluster = bigCluster();
        const evil = pod("apps-4", "web-2", true);
        (evil.metadata.ownerReferences as Array<{ name: string }>)[0].name = "rs\u001b[2J";
        cluster.pods.push(evil);
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            await runRestart(["--kubeconfig", api.kubeconfig, "--namespace", "apps-4", "--dry-run"], sink);
            assert.doesNotMatch(out.stdout + out.stderr, RAW_CONTROL);
            assert.ok(out.stdout.includes("rs\\x1b[2J"), out.stdout);
        } finally {
            api.close();
        }
    });
});

describe("live: restart --help", () => {
    it("--help prints the usage, what restart does, every flag with its default and the exit codes, exit 0", async () => {
        const { out, io: sink } = io();
        assert.equal(await runRestart(["--help"], sink), 0);
        assert.equal(
            out.stdout,
            [
                "usage: nativemesh restart --kubeconfig FILE [--context NAME] [--namespace NS] [--dry-run] [--max-unavailable N] [--timeout SECONDS] [--json]",
                "",
                "  Restarts the owners of stale pods (see nativemesh status) as `kubectl rollout restart` does: the pod-template",
                "  annotation kubectl.kubernetes.io/restartedAt. Deployments, StatefulSets and DaemonSets only, at most N at a",
                "  time, each waited for until its rollout is complete (as `kubectl rollout status`) or SECONDS pass. Jobs,",
                "  CronJobs, bare ReplicaSets and Pods are never touched: they are listed with what to do. Afterwards the pods",
                "  are classified again and what is still stale is listed.",
                "",
                "  --kubeconfig FILE        the cluster's kubeconfig (required)",
                "  --context NAME           a context of it (default: its current-context)",
                "  --namespace NS           only this namespace",
                "  --dry-run                change nothing: list what would be restarted",
                "  --max-unavailable N      workloads restarted at the same time (default 1)",
                "  --timeout SECONDS        wait for each rollout at most this long (default 300)",
                "  --json                   one JSON object on stdout (progress on stderr)",
                "",
                "Exit codes: 0 nothing stale afterwards, 1 still stale or a rollout incomplete, 2 bad input (one line on stderr).",
                "",
            ].join("\n"),
        );
    });
});

/** A fake clock as above, started far from zero so that durations are measured from the start, not from zero. */
function lateClock() {
    const clock = fakeClock();
    let t = 5_000_000;
    return {
        sleeps: clock.sleeps,
        now: () => t,
        sleep: async (ms: number) => {
            clock.sleeps.push(ms);
            t += ms;
        },
    };
}

const BEFORE_NS = "no istio-proxy: created before its namespace selected 1-31-0";
const NO_WEBHOOK = "no webhook serves istio.io/rev=9-9-9 (neither a revision nor a tag)";

/** Namespace `shop` with two stale pods of Deployment `web` (as restart finds it) and one with its sidecar. */
/** Restarts every stale workload of the cluster and asserts exit 1, `line` as the first report line after the
 *  heading, and no PATCH sent. */
async function assertSkippedUnpatched(cluster: FakeCluster, line: string): Promise<void> {
    const api = await fakeApi(cluster);
    try {
        const { out, io: sink } = io();
        assert.equal(await runRestart(["--kubeconfig", api.kubeconfig], sink, lateClock()), 1);
        assert.equal(out.stdout.split("\n")[1], line);
        assert.ok(!api.requests.some((r) => r.method === "PATCH"));
    } finally {
        api.close();
    }
}

function shopCluster(): FakeCluster {
    const cluster: FakeCluster = {
        namespaces: [
            { name: "shop", labels: { "istio.io/rev": "1-31-0" } },
            { name: "plain", labels: {} },
        ],
        pods: [
            pod("shop", "web-767d6f4df8-a", true),
            pod("shop", "web-767d6f4df8-b", true),
            pod("shop", "web-767d6f4df8-c", false),
            pod("plain", "other-767d6f4df8-d", true),
        ],
        deployments: new Map(),
    };
    webDeployment(
        cluster,
        {
            metadata: { name: "web", namespace: "shop", generation: 2 },
            spec: { replicas: 3 },
            status: { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 },
        },
        {},
        "shop",
    );
    return cluster;
}

/** A stale pod of no controller in `ns`. */
function barePod(ns: string, name: string): Obj {
    const p = pod(ns, name, true);
    delete p.metadata.ownerReferences;
    return p;
}

describe("live: restart reports what it did", () => {
    it("nothing stale: one line says so, nothing is patched, the cluster is looked at once, exit 0", async () => {
        const cluster = shopCluster();
        cluster.pods = [pod("shop", "web-767d6f4df8-c", false)];
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig], sink, lateClock()), 0);
            assert.equal(out.stdout, "nothing stale: no workload to restart\n");
            assert.equal(api.requests.filter((r) => r.path === "/api/v1/namespaces").length, 1);
            assert.ok(!api.requests.some((r) => r.method === "PATCH"));
        } finally {
            api.close();
        }
    });

    it("--dry-run lists what would be restarted, what is never touched with what to do, and the problems, exit 1", async () => {
        const cluster = shopCluster();
        cluster.pods.push(barePod("shop", "lonely"));
        cluster.namespaces.push({ name: "lost", labels: { "istio.io/rev": "9-9-9" } });
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig, "--dry-run"], sink, lateClock()), 1);
            assert.equal(
                out.stdout,
                [
                    `would restart shop Deployment/web: ${BEFORE_NS}`,
                    "not touched (1):",
                    `  shop Pod/lonely: ${BEFORE_NS}; a bare Pod: delete it and create it again from its manifest`,
                    `problem: namespace lost: ${NO_WEBHOOK}`,
                    "dry run: 1 workload(s) would be restarted; nothing was changed",
                    "",
                ].join("\n"),
            );
            assert.ok(!api.requests.some((r) => r.method !== "GET"));
        } finally {
            api.close();
        }
    });

    it("--dry-run --json: the would-be restarts, the untouched with advice, the problems, before and after the same", async () => {
        const cluster = shopCluster();
        cluster.pods.push(barePod("shop", "lonely"));
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig, "--dry-run", "--json"], sink), 1);
            const web = { namespace: "shop", kind: "Deployment", name: "web" };
            const counts = {
                namespaces: 1,
                pods: 4,
                ok: 1,
                optOut: 0,
                stale: 3,
                finished: 0,
                terminating: 0,
                unjudged: 0,
                staleWorkloads: 2,
            };
            assert.deepEqual(JSON.parse(out.stdout), {
                context: "fake",
                server: api.url,
                dryRun: true,
                restarts: [{ ...web, outcome: "would restart", message: BEFORE_NS, seconds: 0 }],
                untouched: [
                    {
                        namespace: "shop",
                        kind: "Pod",
                        name: "lonely",
                        pods: 1,
                        reasons: [BEFORE_NS],
                        advice: "a bare Pod: delete it and create it again from its manifest",
                    },
                ],
                stillStale: [
                    { ...web, pods: 2, reasons: [BEFORE_NS] },
                    { namespace: "shop", kind: "Pod", name: "lonely", pods: 1, reasons: [BEFORE_NS] },
                ],
                problems: [],
                before: counts,
                after: counts,
            });
            assert.equal(out.stderr.split("\n").filter((l) => l.startsWith("would restart")).length, 1);
        } finally {
            api.close();
        }
    });
});

describe("live: restart's text report after it patched", () => {
    it("a completed rollout: the progress line, `restarted 1 of 1`, nothing stale afterwards, exit 0", async () => {
        const cluster = shopCluster();
        cluster.onPatch = () => {
            cluster.pods = cluster.pods.map((p) =>
                p.metadata.namespace === "shop" ? pod("shop", p.metadata.name, false) : p,
            );
        };
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig], sink, lateClock()), 0);
            const lines = out.stdout.split("\n");
            assert.equal(lines[0], "restarting 1 workload, at most 1 at a time, waiting up to 300 s for each");
            assert.match(lines[1], /^restarted shop Deployment\/web \(0 s\): \S/);
            assert.deepEqual(lines.slice(2), ["restarted 1 of 1", "after the restart nothing is stale", ""]);
            assert.equal(api.requests.filter((r) => r.path === "/api/v1/namespaces").length, 2, "looked again");
        } finally {
            api.close();
        }
    });

    it("a rollout that times out: `restarted 0 of 1; not complete`, what is still stale with its pod count, exit 1", async () => {
        const cluster = shopCluster();
        cluster.deployments.get("shop/web")!.status = { observedGeneration: 1 };
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            const clock = lateClock();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig, "--timeout", "3"], sink, clock), 1);
            const lines = out.stdout.split("\n");
            assert.equal(lines[0], "restarting 1 workload, at most 1 at a time, waiting up to 3 s for each");
            assert.match(lines[1], /^timed out shop Deployment\/web \(3 s\): rollout not complete after 3 s: \S/);
            assert.deepEqual(lines.slice(2), [
                "restarted 0 of 1; not complete: shop Deployment/web",
                "still stale after the restart (1):",
                `  shop Deployment/web (2 pods): ${BEFORE_NS}`,
                "",
            ]);
            assert.deepEqual(clock.sleeps, [1000, 1000, 1000]);
        } finally {
            api.close();
        }
    });

    it("a Deployment that cannot be read: one `failed` line naming it and the API's answer, exit 1", async () => {
        const cluster = shopCluster();
        cluster.deployments.clear();
        cluster.pods = cluster.pods.filter((p) => p.metadata.name !== "web-767d6f4df8-b");
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig], sink, lateClock()), 1);
            assert.deepEqual(out.stdout.split("\n").slice(1), [
                `failed shop Deployment/web (0 s): reading Deployment shop/web at ${api.url} failed (404: /apis/apps/v1/namespaces/shop/deployments/web not found)`,
                "restarted 0 of 1; not complete: shop Deployment/web",
                "still stale after the restart (1):",
                `  shop Deployment/web (1 pod): ${BEFORE_NS}`,
                "",
            ]);
        } finally {
            api.close();
        }
    });

    for (const [what, change, message] of [
        [
            "its ReplicaSet names another Deployment",
            (rs: Obj) => ((rs.metadata.ownerReferences as Array<{ name: string }>)[0].name = "other"),
            "its pods' owner is Deployment/other, not this Deployment: not patched",
        ],
        [
            "its ReplicaSet names its Deployment without a uid",
            (rs: Obj) => delete (rs.metadata.ownerReferences as Array<{ uid?: string }>)[0].uid,
            "ReplicaSet web-767d6f4df8 names no owner by uid: not patched",
        ],
        [
            "its ReplicaSet has no uid",
            (rs: Obj) => delete rs.metadata.uid,
            `ReplicaSet web-767d6f4df8 has uid none, its pods name ${RS_UID}: not patched`,
        ],
    ] as const)
        it(`${what}: skipped with one line saying so, nothing patched, exit 1`, async () => {
            const cluster = shopCluster();
            change(cluster.replicaSets!.get("shop/web-767d6f4df8")!);
            const api = await fakeApi(cluster);
            try {
                const { out, io: sink } = io();
                assert.equal(await runRestart(["--kubeconfig", api.kubeconfig], sink, lateClock()), 1);
                assert.equal(out.stdout.split("\n")[1], `skipped shop Deployment/web (0 s): ${message}`);
                assert.ok(!api.requests.some((r) => r.method === "PATCH"));
            } finally {
                api.close();
            }
        });

    it("pods that name their ReplicaSet without a uid: skipped, nothing patched", async () => {
        const cluster = shopCluster();
        for (const p of cluster.pods) delete (p.metadata.ownerReferences as Array<{ uid?: string }>)[0].uid;
        await assertSkippedUnpatched(
            cluster,
            "skipped shop Deployment/web (0 s): its pods name no owner by uid: not patched",
        );
    });

    it("a Deployment whose live object has no uid: skipped, saying uid none", async () => {
        const cluster = shopCluster();
        delete cluster.deployments.get("shop/web")!.metadata.uid;
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig], sink, lateClock()), 1);
            assert.equal(
                out.stdout.split("\n")[1],
                `skipped shop Deployment/web (0 s): Deployment web has uid none, its pods' owner is ${WEB_UID}: not patched`,
            );
        } finally {
            api.close();
        }
    });
});

describe("live: restart with only workloads it never touches", () => {
    it("a stale bare Pod only: listed as not touched with what to do, nothing patched, no second look, exit 1", async () => {
        const cluster = shopCluster();
        cluster.pods = [pod("shop", "web-767d6f4df8-c", false), barePod("shop", "lonely")];
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig], sink, lateClock()), 1);
            assert.equal(
                out.stdout,
                [
                    "not touched (1):",
                    `  shop Pod/lonely: ${BEFORE_NS}; a bare Pod: delete it and create it again from its manifest`,
                    "",
                ].join("\n"),
            );
            assert.ok(!api.requests.some((r) => r.method === "PATCH"));
            assert.equal(api.requests.filter((r) => r.path === "/api/v1/namespaces").length, 1);
        } finally {
            api.close();
        }
    });

    it("--json after a restart: the JSON alone on stdout, the progress lines on stderr", async () => {
        const cluster = shopCluster();
        cluster.onPatch = () => {
            cluster.pods = cluster.pods.map((p) =>
                p.metadata.namespace === "shop" ? pod("shop", p.metadata.name, false) : p,
            );
        };
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig, "--json"], sink, lateClock()), 0);
            const report = JSON.parse(out.stdout) as {
                dryRun: boolean;
                restarts: Array<{ name: string; outcome: string; seconds: number }>;
                before: { stale: number };
                after: { stale: number };
            };
            assert.equal(report.dryRun, false);
            assert.deepEqual(
                report.restarts.map((r) => [r.name, r.outcome, r.seconds]),
                [["web", "restarted", 0]],
            );
            assert.deepEqual([report.before.stale, report.after.stale], [2, 0]);
            assert.match(out.stderr, /^restarting 1 workload, at most 1 at a time/m);
            assert.match(out.stderr, /^restarted shop Deployment\/web \(0 s\): /m);
        } finally {
            api.close();
        }
    });
});

/** Namespace `shop` whose two stale pods belong to `kind`/`name` (uid `uid`) directly, as StatefulSet and DaemonSet pods do. */
function ownedCluster(kind: string, name: string, uid: string): FakeCluster {
    const owned = (podName: string) => {
        const p = pod("shop", podName, true);
        p.metadata.ownerReferences = [{ apiVersion: "apps/v1", kind, name, uid, controller: true }];
        return p;
    };
    return {
        namespaces: [{ name: "shop", labels: { "istio.io/rev": "1-31-0" } }],
        pods: [owned(`${name}-0`), owned(`${name}-1`)],
        deployments: new Map(),
        statefulSets: new Map(),
        daemonSets: new Map(),
    };
}

describe("live: restart of StatefulSets and DaemonSets", () => {
    const DB_UID = "5d1f0c1e-0000-4000-8000-0000000000db";
    const AGENT_UID = "5d1f0c1e-0000-4000-8000-00000000agnt";
    for (const { kind, name, uid, resource, objects, before, patched, complete, done } of [
        {
            kind: "StatefulSet",
            name: "db",
            uid: DB_UID,
            resource: "statefulsets",
            objects: "statefulSets" as const,
            before: {
                observedGeneration: 1,
                readyReplicas: 2,
                currentReplicas: 2,
                currentRevision: "db-1",
                updateRevision: "db-1",
            },
            patched: {
                observedGeneration: 2,
                readyReplicas: 2,
                updatedReplicas: 0,
                currentReplicas: 2,
                currentRevision: "db-1",
                updateRevision: "db-2",
            },
            complete: {
                observedGeneration: 2,
                readyReplicas: 2,
                updatedReplicas: 2,
                currentReplicas: 2,
                currentRevision: "db-2",
                updateRevision: "db-2",
            },
            done: "statefulset rolling update complete 2 pods at revision db-2",
        },
        {
            kind: "DaemonSet",
            name: "agent",
            uid: AGENT_UID,
            resource: "daemonsets",
            objects: "daemonSets" as const,
            before: { observedGeneration: 1, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2 },
            patched: {
                observedGeneration: 2,
                desiredNumberScheduled: 2,
                updatedNumberScheduled: 0,
                numberAvailable: 2,
            },
            complete: {
                observedGeneration: 2,
                desiredNumberScheduled: 2,
                updatedNumberScheduled: 2,
                numberAvailable: 2,
            },
            done: 'daemon set "agent" successfully rolled out',
        },
    ])
        it(`a stale ${kind} is patched and read at its own path, waited for until its rollout is complete, exit 0`, async () => {
            const cluster = ownedCluster(kind, name, uid);
            const obj: Obj = {
                metadata: { name, namespace: "shop", uid, generation: 1 },
                spec: { replicas: 2, updateStrategy: { type: "RollingUpdate" } },
                status: before,
            };
            cluster[objects]!.set(`shop/${name}`, obj);
            let readsSincePatch = -1;
            cluster.onPatch = () => {
                obj.metadata.generation = 2;
                obj.status = patched;
                readsSincePatch = 0;
            };
            cluster.onRead = () => {
                if (readsSincePatch < 0 || ++readsSincePatch < 2) return;
                obj.status = complete;
                cluster.pods = cluster.pods.map((p) => {
                    const fresh = pod("shop", p.metadata.name, false);
                    fresh.metadata.ownerReferences = p.metadata.ownerReferences;
                    return fresh;
                });
            };
            const api = await fakeApi(cluster);
            try {
                const { out, io: sink } = io();
                const clock = lateClock();
                assert.equal(
                    await runRestart(["--kubeconfig", api.kubeconfig], sink, clock),
                    0,
                    out.stdout + out.stderr,
                );
                assert.equal(
                    out.stdout,
                    [
                        "restarting 1 workload, at most 1 at a time, waiting up to 300 s for each",
                        `restarted shop ${kind}/${name} (1 s): ${done}`,
                        "restarted 1 of 1",
                        "after the restart nothing is stale",
                        "",
                    ].join("\n"),
                );
                assert.deepEqual(clock.sleeps, [1000]);
                const path = `/apis/apps/v1/namespaces/shop/${resource}/${name}`;
                const patches = api.requests.filter((r) => r.method === "PATCH");
                assert.deepEqual(
                    patches.map((r) => [r.path, r.contentType]),
                    [[path, "application/strategic-merge-patch+json"]],
                );
                assert.deepEqual(
                    Object.keys(
                        (patches[0].body as { spec: { template: { metadata: { annotations: object } } } }).spec.template
                            .metadata.annotations,
                    ),
                    ["kubectl.kubernetes.io/restartedAt"],
                );
                const reads = api.requests.filter((r) => r.method === "GET" && r.path.startsWith("/apis/apps/"));
                assert.deepEqual(
                    reads.map((r) => r.path),
                    [path, path, path],
                    "read once before the patch, then until complete",
                );
            } finally {
                api.close();
            }
        });
});

describe("live: restart when the API server fails it", () => {
    it("the pods' ReplicaSet cannot be read: one `failed` line naming it and the API's answer, nothing patched, exit 1", async () => {
        const cluster = shopCluster();
        cluster.replicaSets!.clear();
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig], sink, lateClock()), 1);
            assert.deepEqual(out.stdout.split("\n").slice(1), [
                `failed shop Deployment/web (0 s): reading ReplicaSet shop/web-767d6f4df8 at ${api.url} failed (404: /apis/apps/v1/namespaces/shop/replicasets/web-767d6f4df8 not found)`,
                "restarted 0 of 1; not complete: shop Deployment/web",
                "still stale after the restart (1):",
                `  shop Deployment/web (2 pods): ${BEFORE_NS}`,
                "",
            ]);
            assert.ok(!api.requests.some((r) => r.method === "PATCH"));
        } finally {
            api.close();
        }
    });

    it("the patch is refused: one `failed` line naming the patch and the API's answer, no wait, exit 1", async () => {
        const cluster = shopCluster();
        const forbidden = 'deployments.apps "web" is forbidden: User "u" cannot patch resource "deployments"';
        cluster.onPatch = () => ({ code: 403, message: forbidden });
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            const clock = lateClock();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig], sink, clock), 1);
            assert.deepEqual(out.stdout.split("\n").slice(1), [
                `failed shop Deployment/web (0 s): patching Deployment shop/web at ${api.url} failed (403: ${forbidden})`,
                "restarted 0 of 1; not complete: shop Deployment/web",
                "still stale after the restart (1):",
                `  shop Deployment/web (2 pods): ${BEFORE_NS}`,
                "",
            ]);
            assert.deepEqual(clock.sleeps, []);
            assert.equal(
                api.requests.filter((r) => r.path === "/apis/apps/v1/namespaces/shop/deployments/web").length,
                2,
                "one read, one patch",
            );
        } finally {
            api.close();
        }
    });
});

describe("live: restart when a read fails during the wait", () => {
    it("the workload cannot be read after the patch: one `failed` line with the API's answer, no more waiting, exit 1", async () => {
        const cluster = shopCluster();
        const path = "/apis/apps/v1/namespaces/shop/deployments/web";
        const body = JSON.stringify({ kind: "Status", code: 500, message: "etcdserver: request timed out" });
        cluster.onPatch = () => void (cluster.raw = new Map([[path, { code: 500, body }]]));
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            const clock = lateClock();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig], sink, clock), 1);
            assert.deepEqual(out.stdout.split("\n").slice(1, 3), [
                `failed shop Deployment/web (0 s): reading Deployment shop/web at ${api.url} failed (500: etcdserver: request timed out)`,
                "restarted 0 of 1; not complete: shop Deployment/web",
            ]);
            assert.deepEqual(clock.sleeps, []);
            assert.deepEqual(
                api.requests.filter((r) => r.path === path).map((r) => r.method),
                ["GET", "PATCH", "GET"],
            );
        } finally {
            api.close();
        }
    });
});

const OLD_REVISION = "native sidecar from revision 1-30-0; the namespace selects 1-31-0";
const JOB_ADVICE = "a Job's pods are never restarted: let it finish, or delete it and create it again";

/** A pod of `ns` with its native sidecar, injected by revision 1-30-0. */
function oldRevisionPod(ns: string, name: string): Obj {
    const p = pod(ns, name, false);
    const annotations = p.metadata.annotations as Record<string, string>;
    annotations["sidecar.istio.io/status"] = JSON.stringify({
        ...(JSON.parse(annotations["sidecar.istio.io/status"]) as object),
        revision: "1-30-0",
    });
    annotations["istio.io/rev"] = "1-30-0";
    return p;
}

/** `p` made a pod of Job `job`. */
function jobPod(p: Obj, job: string): Obj {
    p.metadata.ownerReferences = [{ apiVersion: "batch/v1", kind: "Job", name: job, uid: "job-uid", controller: true }];
    return p;
}

describe("live: restart lists every reason a workload is stale", () => {
    /** shop's Deployment web and Job report, each with a pod created before injection and one of revision 1-30-0. */
    function twoReasons(): FakeCluster {
        const cluster = shopCluster();
        cluster.pods = [
            pod("shop", "web-767d6f4df8-a", true),
            oldRevisionPod("shop", "web-767d6f4df8-b"),
            jobPod(pod("shop", "report-a", true), "report"),
            jobPod(oldRevisionPod("shop", "report-b"), "report"),
        ];
        cluster.jobs = new Map([["shop/report", { metadata: { name: "report", namespace: "shop" } }]]);
        return cluster;
    }

    it("--dry-run: the would-be restart and the untouched Job each with both reasons, joined by '; '", async () => {
        const api = await fakeApi(twoReasons());
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig, "--dry-run"], sink, lateClock()), 1);
            assert.equal(
                out.stdout,
                [
                    `would restart shop Deployment/web: ${BEFORE_NS}; ${OLD_REVISION}`,
                    "not touched (1):",
                    `  shop Job/report: ${BEFORE_NS}; ${OLD_REVISION}; ${JOB_ADVICE}`,
                    "dry run: 1 workload(s) would be restarted; nothing was changed",
                    "",
                ].join("\n"),
            );
        } finally {
            api.close();
        }
    });

    it("after a restart that timed out: what is still stale, each with both reasons", async () => {
        const cluster = twoReasons();
        cluster.deployments.get("shop/web")!.status = { observedGeneration: 1 };
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig, "--timeout", "1"], sink, lateClock()), 1);
            assert.equal(
                out.stdout,
                [
                    "restarting 1 workload, at most 1 at a time, waiting up to 1 s for each",
                    "timed out shop Deployment/web (1 s): rollout not complete after 1 s: waiting for deployment spec update to be observed",
                    "not touched (1):",
                    `  shop Job/report: ${BEFORE_NS}; ${OLD_REVISION}; ${JOB_ADVICE}`,
                    "restarted 0 of 1; not complete: shop Deployment/web",
                    "still stale after the restart (2):",
                    `  shop Deployment/web (2 pods): ${BEFORE_NS}; ${OLD_REVISION}`,
                    `  shop Job/report (2 pods): ${BEFORE_NS}; ${OLD_REVISION}`,
                    "",
                ].join("\n"),
            );
        } finally {
            api.close();
        }
    });
});

describe("live: restart refuses what kubectl would not restart", () => {
    it("a paused Deployment: skipped with kubectl's reason, nothing patched, exit 1", async () => {
        const cluster = shopCluster();
        cluster.deployments.get("shop/web")!.spec = { replicas: 3, paused: true };
        await assertSkippedUnpatched(
            cluster,
            "skipped shop Deployment/web (0 s): paused: run `kubectl rollout resume` first (kubectl refuses to restart a paused Deployment too)",
        );
    });

    it("an OnDelete StatefulSet: skipped, saying a restart would re-create no pod, nothing patched, exit 1", async () => {
        const uid = "5d1f0c1e-0000-4000-8000-0000000000db";
        const cluster = ownedCluster("StatefulSet", "db", uid);
        cluster.statefulSets!.set("shop/db", {
            metadata: { name: "db", namespace: "shop", uid, generation: 1 },
            spec: { replicas: 2, updateStrategy: { type: "OnDelete" } },
            status: { observedGeneration: 1 },
        });
        await assertSkippedUnpatched(
            cluster,
            "skipped shop StatefulSet/db (0 s): update strategy OnDelete: a restart would re-create no pod; delete its pods one at a time",
        );
    });
});

describe("live: restart checks the controller its ReplicaSet names", () => {
    for (const [what, change, message] of [
        [
            "a ReplicaSet of an Argo Rollout of the same name",
            (rs: Obj) =>
                void (rs.metadata.ownerReferences = [
                    {
                        apiVersion: "argoproj.io/v1alpha1",
                        kind: "Rollout",
                        name: "web",
                        uid: WEB_UID,
                        controller: true,
                    },
                ]),
            "its pods' owner is Rollout/web, not this Deployment: not patched",
        ],
        [
            "a ReplicaSet with no owner at all",
            (rs: Obj) => delete rs.metadata.ownerReferences,
            "ReplicaSet web-767d6f4df8 names no owner by uid: not patched",
        ],
    ] as const)
        it(`${what}: the Deployment is skipped with one line saying so, nothing patched`, async () => {
            const cluster = shopCluster();
            change(cluster.replicaSets!.get("shop/web-767d6f4df8")!);
            const api = await fakeApi(cluster);
            try {
                const { out, io: sink } = io();
                assert.equal(await runRestart(["--kubeconfig", api.kubeconfig], sink, lateClock()), 1);
                assert.equal(out.stdout.split("\n")[1], `skipped shop Deployment/web (0 s): ${message}`);
                assert.ok(!api.requests.some((r) => r.method === "PATCH"));
            } finally {
                api.close();
            }
        });
});

describe("live: restart's wait for a rollout", () => {
    it("a rollout past its progress deadline fails at once with kubectl's error, no more waiting, exit 1", async () => {
        const cluster = shopCluster();
        cluster.onPatch = () =>
            void (cluster.deployments.get("shop/web")!.status = {
                observedGeneration: 2,
                replicas: 4,
                updatedReplicas: 1,
                conditions: [
                    { type: "Available", reason: "MinimumReplicasAvailable" },
                    { type: "Progressing", reason: "ProgressDeadlineExceeded" },
                ],
            });
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            const clock = lateClock();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig], sink, clock), 1);
            assert.deepEqual(out.stdout.split("\n").slice(1, 3), [
                'failed shop Deployment/web (0 s): deployment "web" exceeded its progress deadline',
                "restarted 0 of 1; not complete: shop Deployment/web",
            ]);
            assert.deepEqual(clock.sleeps, []);
        } finally {
            api.close();
        }
    });

    it("sleeps that overrun: the last sleep is only what is left of --timeout, the time taken in tenths of a second", async () => {
        const cluster = shopCluster();
        cluster.deployments.get("shop/web")!.status = { observedGeneration: 1 };
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            // Each sleep lasts 250 ms longer than asked, as timers may.
            let t = 7_000_000;
            const sleeps: number[] = [];
            const clock = {
                now: () => t,
                sleep: async (ms: number) => {
                    sleeps.push(ms);
                    t += ms + 250;
                },
            };
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig, "--timeout", "3"], sink, clock), 1);
            assert.deepEqual(sleeps, [1000, 1000, 500]);
            assert.equal(
                out.stdout.split("\n")[1],
                "timed out shop Deployment/web (3.3 s): rollout not complete after 3 s: waiting for deployment spec update to be observed",
            );
        } finally {
            api.close();
        }
    });

    it("a patch that takes longer than --timeout: timed out without a read, its last state `patched`", async () => {
        const cluster = shopCluster();
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            // Each look at the clock finds two more seconds gone (a slow API server).
            let t = 0;
            const sleeps: number[] = [];
            const clock = {
                now: () => (t += 2000),
                sleep: async (ms: number) => void sleeps.push(ms),
            };
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig, "--timeout", "1"], sink, clock), 1);
            assert.equal(
                out.stdout.split("\n")[1],
                "timed out shop Deployment/web (4 s): rollout not complete after 1 s: patched",
            );
            assert.deepEqual(sleeps, []);
            assert.deepEqual(
                api.requests
                    .filter((r) => r.path === "/apis/apps/v1/namespaces/shop/deployments/web")
                    .map((r) => r.method),
                ["GET", "PATCH"],
            );
        } finally {
            api.close();
        }
    });

    it("a rollout that timed out though its pods were re-created: nothing stale afterwards, still exit 1", async () => {
        const cluster = shopCluster();
        cluster.deployments.get("shop/web")!.status = { observedGeneration: 1 };
        cluster.onPatch = () => {
            cluster.pods = cluster.pods.map((p) => pod("shop", p.metadata.name, false));
        };
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig, "--timeout", "2"], sink, lateClock()), 1);
            assert.deepEqual(out.stdout.split("\n").slice(2), [
                "restarted 0 of 1; not complete: shop Deployment/web",
                "after the restart nothing is stale",
                "",
            ]);
        } finally {
            api.close();
        }
    });

    it("without a clock given it waits by the wall clock: a rollout complete at once is reported restarted", async () => {
        const cluster = shopCluster();
        cluster.onPatch = () => {
            cluster.pods = cluster.pods.map((p) => pod("shop", p.metadata.name, false));
        };
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig], sink), 0);
            assert.match(
                out.stdout.split("\n")[1],
                /^restarted shop Deployment\/web \(\d+(\.\d)? s\): deployment "web" successfully rolled out$/,
            );
        } finally {
            api.close();
        }
    });
});

describe("live: restart's exit code and report when nothing is restarted", () => {
    it("nothing stale but a namespace with a problem: the problem listed, exit 1", async () => {
        const cluster = shopCluster();
        cluster.pods = [pod("shop", "web-767d6f4df8-c", false)];
        cluster.namespaces.push({ name: "lost", labels: { "istio.io/rev": "9-9-9" } });
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig], sink, lateClock()), 1);
            assert.equal(
                out.stdout,
                ["nothing stale: no workload to restart", `problem: namespace lost: ${NO_WEBHOOK}`, ""].join("\n"),
            );
        } finally {
            api.close();
        }
    });

    it("--dry-run with only a bare Pod stale: it is listed as not touched, no dry-run count line, exit 1", async () => {
        const cluster = shopCluster();
        cluster.pods = [pod("shop", "web-767d6f4df8-c", false), barePod("shop", "lonely")];
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig, "--dry-run"], sink, lateClock()), 1);
            assert.equal(
                out.stdout,
                [
                    "not touched (1):",
                    `  shop Pod/lonely: ${BEFORE_NS}; a bare Pod: delete it and create it again from its manifest`,
                    "",
                ].join("\n"),
            );
        } finally {
            api.close();
        }
    });

    it("the kubeconfig's warnings go to stderr, one line each, the report to stdout", async () => {
        const cluster = shopCluster();
        cluster.pods = [pod("shop", "web-767d6f4df8-c", false)];
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig], sink, lateClock()), 0);
            assert.equal(
                out.stderr,
                `warning: ${api.kubeconfig}: cluster 'fake' is served over plain http (${api.url}): requests and credentials travel unencrypted\n`,
            );
            assert.equal(out.stdout, "nothing stale: no workload to restart\n");
        } finally {
            api.close();
        }
    });
});

describe("live: restartAll checks the owner references it is given", () => {
    const DB_UID = "5d1f0c1e-0000-4000-8000-0000000000db";
    const db = { namespace: "shop", kind: "StatefulSet", name: "db", pods: 2, reasons: [BEFORE_NS] };

    async function restartDb(ownerRefs: Map<string, { kind: string; name: string; uid?: string }>) {
        const cluster = ownedCluster("StatefulSet", "db", DB_UID);
        cluster.statefulSets!.set("shop/db", {
            metadata: { name: "db", namespace: "shop", uid: DB_UID, generation: 1 },
            spec: { replicas: 2 },
            status: { observedGeneration: 1 },
        });
        const api = await fakeApi(cluster);
        try {
            const conn = await connect({ kubeconfig: api.kubeconfig });
            const progress: RestartResult[] = [];
            const results = await restartAll(conn, [db], ownerRefs, 1, 5000, (r) => progress.push(r), lateClock());
            assert.deepEqual(progress, results, "each result reported as it finishes");
            assert.ok(!api.requests.some((r) => r.method === "PATCH"), "a PATCH was sent");
            assert.ok(!api.requests.some((r) => r.path.includes("/replicasets/")), "a ReplicaSet was read");
            return results;
        } finally {
            api.close();
        }
    }

    it("a workload with no owner reference for its pods: skipped, nothing patched", async () => {
        assert.deepEqual(await restartDb(new Map()), [
            {
                namespace: "shop",
                kind: "StatefulSet",
                name: "db",
                outcome: "skipped",
                message: "its pods name no owner by uid: not patched",
                seconds: 0,
            },
        ]);
    });

    it("a StatefulSet whose pods name a ReplicaSet: skipped as another owner, the ReplicaSet not read", async () => {
        const ref = { kind: "ReplicaSet", name: "db-5f7c", uid: DB_UID };
        assert.deepEqual(await restartDb(new Map([["shop/StatefulSet/db", ref]])), [
            {
                namespace: "shop",
                kind: "StatefulSet",
                name: "db",
                outcome: "skipped",
                message: "its pods' owner is ReplicaSet/db-5f7c, not this StatefulSet: not patched",
                seconds: 0,
            },
        ]);
    });
});

describe("live: restart of a Deployment its pods name directly", () => {
    it("pods owned by the Deployment itself, no ReplicaSet between: its uid is checked, it is patched and restarted", async () => {
        const cluster = shopCluster();
        for (const p of cluster.pods)
            p.metadata.ownerReferences = [
                { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: WEB_UID, controller: true },
            ];
        cluster.replicaSets!.clear();
        cluster.onPatch = () => {
            cluster.pods = cluster.pods.map((p) => pod("shop", p.metadata.name, false));
        };
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig], sink, lateClock()), 0, out.stdout);
            assert.equal(
                out.stdout.split("\n")[1],
                'restarted shop Deployment/web (0 s): deployment "web" successfully rolled out',
            );
            assert.ok(!api.requests.some((r) => r.path.includes("/replicasets/")), "a ReplicaSet was read");
        } finally {
            api.close();
        }
    });
});

describe("live: restart's summary of several incomplete workloads", () => {
    it("a Deployment that timed out and an OnDelete StatefulSet skipped: both named as not complete, comma-separated", async () => {
        const uid = "5d1f0c1e-0000-4000-8000-0000000000db";
        const cluster = shopCluster();
        cluster.deployments.get("shop/web")!.status = { observedGeneration: 1 };
        const db = ownedCluster("StatefulSet", "db", uid);
        cluster.pods.push(...db.pods);
        cluster.statefulSets = new Map([
            [
                "shop/db",
                {
                    metadata: { name: "db", namespace: "shop", uid, generation: 1 },
                    spec: { replicas: 2, updateStrategy: { type: "OnDelete" } },
                    status: { observedGeneration: 1 },
                },
            ],
        ]);
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig, "--timeout", "1"], sink, lateClock()), 1);
            assert.equal(
                out.stdout,
                [
                    "restarting 2 workloads, at most 1 at a time, waiting up to 1 s for each",
                    "timed out shop Deployment/web (1 s): rollout not complete after 1 s: waiting for deployment spec update to be observed",
                    "skipped shop StatefulSet/db (0 s): update strategy OnDelete: a restart would re-create no pod; delete its pods one at a time",
                    "restarted 0 of 2; not complete: shop Deployment/web, shop StatefulSet/db",
                    "still stale after the restart (2):",
                    `  shop Deployment/web (2 pods): ${BEFORE_NS}`,
                    `  shop StatefulSet/db (2 pods): ${BEFORE_NS}`,
                    "",
                ].join("\n"),
            );
        } finally {
            api.close();
        }
    });
});
