/** Pods as the API server stored them after admission: where istio-proxy ended up. */
import { kubectlApply, kubectlJson } from "./kubectl";
import { waitFor } from "./cluster";

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
