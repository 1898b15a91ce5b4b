/** kubectl (built from the same Kubernetes release) against the testbed's cluster. */
import { spawnSync } from "node:child_process";
import { toolEnv } from "./env";

export interface Result {
    status: number;
    stdout: string;
    stderr: string;
}

export function kubectl(args: string[], input?: string): Result {
    const res = spawnSync("kubectl", args, { env: toolEnv(), encoding: "utf8", input, maxBuffer: 256 * 1024 * 1024 });
    return { status: res.status ?? 1, stdout: res.stdout ?? "", stderr: res.stderr ?? String(res.error ?? "") };
}

/** `kubectl ... -o json`, parsed; throws with kubectl's message when it fails. */
export function kubectlJson(args: string[]): unknown {
    const res = kubectl([...args, "-o", "json"]);
    if (res.status !== 0) throw new Error(`kubectl ${args.join(" ")}: ${res.stderr.trim()}`);
    return JSON.parse(res.stdout);
}

/** `kubectl apply` of a manifest object; throws with the API server's answer when refused. */
export function kubectlApply(manifest: object): void {
    const res = kubectl(["apply", "-f", "-"], JSON.stringify(manifest));
    if (res.status !== 0) throw new Error(`kubectl apply: ${res.stderr.trim()}`);
}

/** A one-replica Deployment of a web server, `app: <name>`, in a namespace (its pods are kwok's: nothing runs). */
export function deployWeb(namespace: string, name: string): void {
    kubectlApply({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace },
        spec: {
            replicas: 1,
            selector: { matchLabels: { app: name } },
            template: {
                metadata: { labels: { app: name } },
                spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
            },
        },
    });
}
