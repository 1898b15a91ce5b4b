/**
 * `nativemesh status` and `nativemesh restart` against the running local stack: a Deployment started before its
 * namespace was meshed is stale; restart re-creates its pods (kwok makes them Ready), the real istiod injects
 * them natively, and status is clean. A bare Pod is listed, never touched.
 */
import { type CliRun as Run, nativemesh, show } from "../lib/cli";
import { kubectl, kubectlApply as apply, kubectlJson } from "../lib/kubectl";
import { waitFor } from "../lib/cluster";
import { Pod, proxyMode } from "../lib/pods";
import { expect, LOCAL, Spec } from "../lib/spec";

const NAMESPACE = "live-restart";

interface StatusJson {
    namespaces: Array<{
        name: string;
        revision: string | null;
        pods: Array<{
            name: string;
            mode: string;
            revision: string | null;
            owner: { kind: string; name: string };
            state: string;
        }>;
    }>;
    stale: Array<{ namespace: string; kind: string; name: string; pods: number; reasons: string[] }>;
}

function statusJson(): { run: Run; report: StatusJson } {
    const run = nativemesh(["status", "--namespace", NAMESPACE, "--json"]);
    expect(run.status === 0 || run.status === 1, `status --json: ${show(run)}`);
    return { run, report: JSON.parse(run.stdout) as StatusJson };
}

function livePods(selector: string): Pod[] {
    const list = kubectlJson(["get", "pods", "-n", NAMESPACE, "-l", selector]) as {
        items: Array<Pod & { metadata: { deletionTimestamp?: string } }>;
    };
    return list.items.filter((p) => p.metadata.deletionTimestamp === undefined);
}

async function podsReady(selector: string, count: number, check: (p: Pod) => boolean, what: string): Promise<Pod[]> {
    let pods: Pod[] = [];
    await waitFor(
        what,
        async () => {
            pods = livePods(selector);
            return pods.length === count && pods.every((p) => p.status?.phase === "Running" && check(p));
        },
        90_000,
    );
    return pods;
}

export const liveStatusRestart: Spec = {
    name: "status and restart on the live cluster: a Deployment from before its namespace was meshed is stale (exit 1); restart re-creates it natively, a bare Pod is left alone, status exits 0",
    async run() {
        kubectl(["delete", "namespace", NAMESPACE, "--wait=true", "--timeout=60s"]);
        const created = kubectl(["create", "namespace", NAMESPACE]);
        expect(created.status === 0, `creating namespace ${NAMESPACE}: ${created.stderr}`);
        try {
            apply({
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: { name: "web", namespace: NAMESPACE },
                spec: {
                    replicas: 2,
                    selector: { matchLabels: { app: "web" } },
                    template: {
                        metadata: { labels: { app: "web" } },
                        spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
                    },
                },
            });
            apply({
                apiVersion: "v1",
                kind: "Pod",
                metadata: { name: "bare", namespace: NAMESPACE, labels: { app: "bare" } },
                spec: { containers: [{ name: "bare", image: "busybox:1.37", command: ["sleep", "3600"] }] },
            });
            const before = await podsReady("app=web", 2, (p) => proxyMode(p) === "none", "two uninjected web pods");
            const [bare] = await podsReady("app=bare", 1, () => true, "the bare pod");
            const bareUid = (bare.metadata as { uid?: string }).uid;

            const unmeshed = nativemesh(["status", "--namespace", NAMESPACE]);
            expect(unmeshed.status === 0, `status of an unmeshed namespace: ${show(unmeshed)}`);
            expect(
                /no meshed namespace/.test(unmeshed.stdout),
                `status of an unmeshed namespace says so: ${show(unmeshed)}`,
            );

            const labelled = kubectl(["label", "namespace", NAMESPACE, `istio.io/rev=${LOCAL.revision}`]);
            expect(labelled.status === 0, labelled.stderr);

            const stale = statusJson();
            expect(stale.run.status === 1, `status after meshing the namespace: ${show(stale.run)}`);
            expect(stale.report.namespaces[0]?.revision === LOCAL.revision, `the namespace selects ${LOCAL.revision}`);
            const web = stale.report.stale.find((w) => w.kind === "Deployment" && w.name === "web");
            expect(web?.pods === 2, `status lists Deployment web with its 2 pods as stale: ${show(stale.run)}`);
            expect(
                web.reasons.some((r) => /no istio-proxy/.test(r)),
                `the reason says why: ${web.reasons.join("; ")}`,
            );
            expect(
                stale.report.stale.some((w) => w.kind === "Pod" && w.name === "bare"),
                `the bare Pod is stale too: ${show(stale.run)}`,
            );
            const text = nativemesh(["status"]);
            expect(text.status === 1, `status of the whole cluster: ${show(text)}`);
            expect(
                new RegExp(`${NAMESPACE} Deployment/web \\(2 pods\\): no istio-proxy`).test(text.stdout),
                `the text report lists the stale Deployment: ${show(text)}`,
            );

            const dry = nativemesh(["restart", "--namespace", NAMESPACE, "--dry-run"]);
            expect(dry.status === 1, `restart --dry-run: ${show(dry)}`);
            expect(
                /would restart live-restart Deployment\/web/.test(dry.stdout),
                `dry run names the Deployment: ${show(dry)}`,
            );
            const template = () =>
                (
                    kubectlJson(["get", "deployment", "-n", NAMESPACE, "web"]) as {
                        spec: { template: { metadata: { annotations?: Record<string, string> } } };
                    }
                ).spec.template.metadata.annotations ?? {};
            expect(template()["kubectl.kubernetes.io/restartedAt"] === undefined, "--dry-run changed the Deployment");

            const restart = nativemesh(["restart", "--namespace", NAMESPACE, "--timeout", "120"]);
            // The bare Pod is still stale, so restart exits 1, naming it with what to do.
            expect(restart.status === 1, `restart: ${show(restart)}`);
            expect(
                /restarted live-restart Deployment\/web .*successfully rolled out/.test(restart.stdout),
                show(restart),
            );
            expect(
                /not touched \(1\):\n {2}live-restart Pod\/bare: .*delete it and create it again/.test(restart.stdout),
                show(restart),
            );
            expect(
                /still stale after the restart \(1\):\n {2}live-restart Pod\/bare/.test(restart.stdout),
                show(restart),
            );
            expect(
                /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(template()["kubectl.kubernetes.io/restartedAt"] ?? ""),
                "the Deployment's pod template carries kubectl.kubernetes.io/restartedAt",
            );

            const after = await podsReady(
                "app=web",
                2,
                (p) => proxyMode(p) === "native" && p.metadata.annotations?.["istio.io/rev"] === LOCAL.revision,
                `two web pods injected natively by ${LOCAL.revision}`,
            );
            const oldNames = new Set(before.map((p) => p.metadata.name));
            expect(
                after.every((p) => !oldNames.has(p.metadata.name)),
                "the web pods were re-created",
            );
            const [bareAfter] = livePods("app=bare");
            expect(
                (bareAfter?.metadata as { uid?: string } | undefined)?.uid === bareUid,
                "the bare Pod was not touched",
            );

            kubectl(["delete", "pod", "-n", NAMESPACE, "bare", "--wait=true", "--timeout=60s"]);
            const clean = statusJson();
            expect(clean.run.status === 0, `status after the restart: ${show(clean.run)}`);
            const pods = clean.report.namespaces[0]?.pods.filter((p) => p.state !== "terminating") ?? [];
            expect(
                pods.length === 2 &&
                    pods.every(
                        (p) =>
                            p.state === "ok" &&
                            p.mode === "native" &&
                            p.revision === LOCAL.revision &&
                            p.owner.kind === "Deployment" &&
                            p.owner.name === "web",
                    ),
                `status shows the two web pods native from ${LOCAL.revision}, owned by Deployment web: ${show(clean.run)}`,
            );
        } finally {
            kubectl(["delete", "namespace", NAMESPACE, "--wait=false"]);
        }
    },
};
