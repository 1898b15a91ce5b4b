/** Pods as the API server stored them after admission: where istio-proxy ended up. */
import { kubectlApply, kubectlJson } from "./kubectl";
import { waitFor } from "./cluster";
import { expect } from "./spec";

export interface Container {
    name: string;
    restartPolicy?: string;
}

export interface Pod {
    metadata: {
        name: string;
        namespace: string;
        annotations?: Record<string, string>;
        labels?: Record<string, string>;
    };
    spec: { initContainers?: Container[]; containers: Container[] };
    status?: { phase?: string };
}

export type ProxyMode = "native" | "regular" | "none";

/** Where the injector put istio-proxy: an init container with restartPolicy Always (native), a container
 *  (regular), or nowhere. */
export function proxyMode(pod: Pod): ProxyMode {
    const init = pod.spec.initContainers?.find((c) => c.name === "istio-proxy");
    if (init?.restartPolicy === "Always") return "native";
    if (pod.spec.containers.some((c) => c.name === "istio-proxy")) return "regular";
    return "none";
}

/** The pods of a Job, once the Job controller has created at least one (admission has run by then). */
export async function podsOfJob(namespace: string, job: string, timeoutMs = 60_000): Promise<Pod[]> {
    let pods: Pod[] = [];
    await waitFor(
        `a pod of Job ${namespace}/${job}`,
        async () => {
            pods = (kubectlJson(["get", "pods", "-n", namespace, "-l", `job-name=${job}`]) as { items: Pod[] }).items;
            return pods.length > 0;
        },
        timeoutMs,
    );
    return pods;
}

/** Creates a Job (from a manifest object) with kubectl; throws with the API server's answer if refused. */
export function createJob(namespace: string, name: string, annotations: Record<string, string> = {}): void {
    const job = {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name, namespace },
        spec: {
            backoffLimit: 0,
            template: {
                metadata: { annotations },
                spec: {
                    restartPolicy: "Never",
                    containers: [{ name: "work", image: "busybox:1.37", command: ["sh", "-c", "exit 0"] }],
                },
            },
        },
    };
    kubectlApply(job);
}

export async function jobComplete(namespace: string, name: string, timeoutMs: number): Promise<void> {
    await waitFor(
        `Job ${namespace}/${name} to complete`,
        async () => {
            const job = kubectlJson(["get", "job", "-n", namespace, name]) as {
                status?: { conditions?: Array<{ type: string; status: string }> };
            };
            return job.status?.conditions?.some((c) => c.type === "Complete" && c.status === "True") === true;
        },
        timeoutMs,
    );
}

/** The one live pod of a workload (`app: <app>`) once it runs and passes `check`. */
export async function podOf(namespace: string, app: string, check: (p: Pod) => boolean, what: string): Promise<Pod> {
    let found: Pod | undefined;
    await waitFor(
        what,
        async () => {
            const list = kubectlJson(["get", "pods", "-n", namespace, "-l", `app=${app}`]) as {
                items: Array<Pod & { metadata: { deletionTimestamp?: string } }>;
            };
            const live = list.items.filter((p) => p.metadata.deletionTimestamp === undefined);
            found = live.length === 1 && live[0].status?.phase === "Running" && check(live[0]) ? live[0] : undefined;
            return found !== undefined;
        },
        90_000,
    );
    return found!;
}

/** Every Job of a namespace (the canary's) completes; there is at least one. */
export async function canaryComplete(namespace: string): Promise<void> {
    const jobs = kubectlJson(["get", "jobs", "-n", namespace]) as { items: Array<{ metadata: { name: string } }> };
    expect(jobs.items.length > 0, `a canary Job in ${namespace}`);
    for (const job of jobs.items) await jobComplete(namespace, job.metadata.name, 60_000);
}
