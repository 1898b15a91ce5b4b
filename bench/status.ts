/**
 * `status` at cluster scale (issue 9): 10,000 pods in 1,000 meshed namespaces on the loopback cluster of
 * `npm run e2e` (kwok holds the pods; nothing runs), `nativemesh status --json` beside its floor
 * `kubectl get pods -A -o json` in the same rounds, whole process, with peak memory. The pods are copies of a pod
 * the real istiod injected on the testbed (test/fixtures/pods/native-deployment.json), created straight onto the
 * fake node; a webhook configuration labelled with their revision (matching no object, so creating them asks no
 * webhook) lets `status` resolve the namespaces' revision. Skipped with a reason when the tools are not built.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startCluster } from "../e2e/lib/cluster";
import { KUBECONFIG, ROOT, RUN, tool, toolEnv } from "../e2e/lib/env";
import { kubectl } from "../e2e/lib/kubectl";
import { stopAll } from "../e2e/lib/processes";
import { measureRounds, type Measurement } from "./measure";

export const STATUS_NAMESPACES = 1_000;
export const STATUS_PODS_PER_NAMESPACE = 10;
const RUNS = 3;
const REVISION = "1-31-0";

export interface StatusRows {
    status: Measurement;
    floor: Measurement;
    commands: { status: string[]; floor: string[] };
}

function applyAll(objects: unknown[], file: string): void {
    fs.writeFileSync(file, JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
    const res = kubectl(["apply", "--server-side", "-f", file]);
    if (res.status !== 0) throw new Error(`kubectl apply ${path.basename(file)}: ${res.stderr.trim().slice(0, 300)}`);
}

function populate(log: (line: string) => void): void {
    const template = JSON.parse(
        fs.readFileSync(path.join(ROOT, "test", "fixtures", "pods", "native-deployment.json"), "utf8"),
    ) as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    applyAll(
        [
            {
                apiVersion: "admissionregistration.k8s.io/v1",
                kind: "MutatingWebhookConfiguration",
                metadata: { name: `istio-sidecar-injector-${REVISION}`, labels: { "istio.io/rev": REVISION } },
                webhooks: [
                    {
                        name: "rev.namespace.sidecar-injector.istio.io",
                        clientConfig: { url: "https://127.0.0.1:1/inject" },
                        // Matches no object: creating the bench's pods asks no webhook.
                        objectSelector: { matchLabels: { "nativemesh.io/bench-never": "true" } },
                        rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }],
                        sideEffects: "None",
                        failurePolicy: "Ignore",
                        admissionReviewVersions: ["v1"],
                    },
                ],
            },
        ],
        path.join(RUN, "bench-webhook.json"),
    );
    for (let start = 0; start < STATUS_NAMESPACES; start += 100) {
        const objects: unknown[] = [];
        for (let n = start; n < start + 100; n++) {
            const namespace = `tenant-${n}`;
            objects.push({
                apiVersion: "v1",
                kind: "Namespace",
                metadata: { name: namespace, labels: { "istio.io/rev": REVISION } },
            });
            for (let p = 0; p < STATUS_PODS_PER_NAMESPACE; p++) {
                const annotations = template.metadata.annotations;
                objects.push({
                    apiVersion: "v1",
                    kind: "Pod",
                    metadata: { name: `web-${p}`, namespace, labels: { app: "web" }, annotations },
                    spec: { ...template.spec, nodeName: "kwok-node-0" },
                });
            }
        }
        applyAll(objects, path.join(RUN, `bench-pods-${start}.json`));
        if (start % 250 === 0) log(`status: ${start + 100} of ${STATUS_NAMESPACES} namespaces created`);
    }
}

export async function benchStatus(log: (line: string) => void): Promise<StatusRows> {
    stopAll();
    fs.rmSync(RUN, { recursive: true, force: true });
    fs.mkdirSync(RUN, { recursive: true });
    Object.assign(process.env, toolEnv());
    try {
        log(`status: starting the loopback cluster and creating ${STATUS_NAMESPACES * STATUS_PODS_PER_NAMESPACE} pods`);
        await startCluster();
        populate(log);
        const commands = {
            status: [
                process.execPath,
                path.join(ROOT, "cli", "nativemesh.js"),
                "status",
                "--kubeconfig",
                KUBECONFIG,
                "--json",
            ],
            floor: [path.join(tool("kube"), "kubectl"), "get", "pods", "-A", "-o", "json"],
        };
        log(`status: nativemesh status and kubectl get pods -A -o json, ${RUNS} rounds`);
        const [status, floor] = measureRounds(
            [
                { command: commands.status, runs: RUNS, okExitCodes: [0, 1] },
                { command: commands.floor, runs: RUNS },
            ],
            ROOT,
        );
        return { status, floor, commands };
    } finally {
        stopAll();
    }
}
