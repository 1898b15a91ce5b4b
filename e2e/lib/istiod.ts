/**
 * istiod (pilot-discovery, built from the Istio module) as a local process for each revision that Helm installs.
 *
 * The supervisor watches the cluster for istiod Deployments. For each one it starts pilot-discovery with the
 * environment that Deployment declares (ENABLE_NATIVE_SIDECARS among it: read from what Helm rendered, never
 * set here), its arguments, and listen addresses on 127.0.0.1. The webhook port is the one the revision's
 * injection webhook names in its URL (`istiodRemote.injectionURL` of the stack), so the API server's calls
 * reach it. When the Deployment's environment changes, istiod is restarted; when it goes, istiod stops.
 * The binary is the one of the Deployment's Istio release (the testbed builds two: e2e/build.sh), read from the
 * chart's appVersion that Istio's charts put on the Deployment.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { builtIstioReleases, istioRelease, KUBECONFIG, RUN, toolEnv } from "./env";
import { ClusterCerts } from "./certs";
import { freePort } from "./cluster";
import { step } from "./log";
import { isAlive, start, stop } from "./processes";

interface EnvVar {
    name: string;
    value?: string;
    valueFrom?: { fieldRef?: { fieldPath: string }; resourceFieldRef?: unknown };
}

interface Deployment {
    metadata: { name: string; namespace: string; labels?: Record<string, string> };
    spec: {
        template: {
            spec: {
                serviceAccountName?: string;
                containers: Array<{ name: string; args?: string[]; env?: EnvVar[] }>;
            };
        };
    };
}

interface Running {
    hash: string;
    pid: number;
    env: Record<string, string>;
    webhookPort: number;
    /** The Istio release whose pilot-discovery runs. */
    release: string;
}

/** The label Istio's charts give istiod's Deployment with the chart's appVersion (the `istio.labels` helper of
 *  manifests/charts/istio-control/istio-discovery/templates/zzz_profile.yaml); e2e/build.sh stamps it. */
export const RELEASE_LABEL = "app.kubernetes.io/version";

/**
 * The Istio release whose pilot-discovery runs a Deployment: its chart's appVersion when the testbed builds that
 * release; a Deployment without the label (not from Istio's charts) gets the local stack's. undefined: a release the
 * testbed does not build, which it must not stand in for with another.
 */
export function releaseFor(
    labels: Record<string, string> | undefined,
    built: { current: string; previous: string },
): string | undefined {
    const release = labels?.[RELEASE_LABEL];
    if (release === undefined) return built.current;
    return [built.current, built.previous].includes(release) ? release : undefined;
}

function kubectlAsync(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile("kubectl", args, { env: toolEnv(), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
            err ? reject(new Error(stderr || String(err))) : resolve(stdout),
        );
    });
}

/** The environment a Deployment gives its discovery container, resolved as the kubelet would for what we need. */
export function environmentOf(d: Deployment): Record<string, string> {
    const container = d.spec.template.spec.containers.find((c) => c.name === "discovery");
    const env: Record<string, string> = {};
    for (const e of container?.env ?? []) {
        if (e.value !== undefined) env[e.name] = e.value;
        const field = e.valueFrom?.fieldRef?.fieldPath;
        if (field === "metadata.name") env[e.name] = `${d.metadata.name}-local`;
        if (field === "metadata.namespace") env[e.name] = d.metadata.namespace;
        if (field === "spec.serviceAccountName") env[e.name] = d.spec.template.spec.serviceAccountName ?? "default";
        // resourceFieldRef (GOMAXPROCS, GOMEMLIMIT from limits) is left to the Go runtime's defaults.
    }
    // The Deployment's KUBECONFIG (a remote cluster's secret) does not apply: --kubeconfig names ours.
    delete env.KUBECONFIG;
    return env;
}

/** The port of the revision's injection webhook URL (https://127.0.0.1:PORT/...), if it has one. */
async function webhookPort(revision: string): Promise<number | undefined> {
    const out = await kubectlAsync([
        "get",
        "mutatingwebhookconfigurations",
        "-l",
        `istio.io/rev=${revision}`,
        "-o",
        "json",
    ]);
    const list = JSON.parse(out) as { items: Array<{ webhooks?: Array<{ clientConfig?: { url?: string } }> }> };
    for (const mwc of list.items) {
        for (const wh of mwc.webhooks ?? []) {
            const url = wh.clientConfig?.url;
            if (url) return Number(new URL(url).port || 443);
        }
    }
    return undefined;
}

export class IstiodSupervisor {
    private readonly running = new Map<string, Running>();
    private timer?: NodeJS.Timeout;
    private busy = false;

    constructor(private readonly certs: ClusterCerts) {}

    start(): void {
        this.timer = setInterval(() => void this.tick(), 1000);
    }

    /** Stops watching; istiod processes stay unless `stopProcesses`. */
    stop(stopProcesses: boolean): void {
        if (this.timer) clearInterval(this.timer);
        if (stopProcesses) for (const revision of [...this.running.keys()]) this.stopRevision(revision);
    }

    /** The Istio release whose pilot-discovery runs a revision's istiod. */
    release(revision: string): string | undefined {
        return this.running.get(revision)?.release;
    }

    /** The environment the running istiod of a revision was started with. */
    environment(revision: string): Record<string, string> | undefined {
        return this.running.get(revision)?.env;
    }

    revisions(): string[] {
        return [...this.running.keys()];
    }

    private async tick(): Promise<void> {
        if (this.busy) return;
        this.busy = true;
        try {
            const out = await kubectlAsync(["get", "deployments", "-A", "-l", "app=istiod", "-o", "json"]);
            const deployments = (JSON.parse(out) as { items: Deployment[] }).items;
            const seen = new Set<string>();
            const built = builtIstioReleases();
            for (const d of deployments) {
                const env = environmentOf(d);
                const revision = env.REVISION ?? "default";
                seen.add(revision);
                const release = releaseFor(d.metadata.labels, built);
                if (release === undefined) {
                    this.refuseOnce(revision, d.metadata.labels?.[RELEASE_LABEL] ?? "", built);
                    continue;
                }
                const args = d.spec.template.spec.containers.find((c) => c.name === "discovery")?.args ?? [];
                const hash = createHash("sha256").update(JSON.stringify({ env, args, release })).digest("hex");
                const current = this.running.get(revision);
                if (current && current.hash === hash && isAlive(current.pid)) continue;
                const port = await webhookPort(revision);
                if (port === undefined) continue; // the webhook configuration is not there yet
                if (current) this.stopRevision(revision);
                await this.startRevision(revision, release, env, args, hash, port);
            }
            for (const revision of [...this.running.keys()]) if (!seen.has(revision)) this.stopRevision(revision);
        } catch {
            // the API server may be busy or restarting: try again at the next tick
        } finally {
            this.busy = false;
        }
    }

    private readonly refused = new Set<string>();

    /** Says once per revision and release that no pilot-discovery of that release is built (its spec then fails on
     *  an istiod that never starts). */
    private refuseOnce(revision: string, release: string, built: { current: string; previous: string }): void {
        const key = `${revision} ${release}`;
        if (this.refused.has(key)) return;
        this.refused.add(key);
        step(
            `istiod for revision ${revision} not started: its chart is Istio ${release}, the testbed builds ${built.current} and ${built.previous} (e2e/versions.env)`,
        );
    }

    private async startRevision(
        revision: string,
        release: string,
        env: Record<string, string>,
        args: string[],
        hash: string,
        webhookPort: number,
    ): Promise<void> {
        const dir = path.join(RUN, `istiod-${revision}`);
        fs.mkdirSync(dir, { recursive: true });
        // What this istiod runs with, for the specs to compare with the Deployment.
        fs.writeFileSync(path.join(dir, "env.json"), JSON.stringify(env, null, 2));
        const [grpc, http, monitoring, secureGrpc, ctrlz] = await Promise.all(
            Array.from({ length: 5 }, () => freePort()),
        );
        const local = [
            `--kubeconfig=${KUBECONFIG}`,
            `--httpsAddr=127.0.0.1:${webhookPort}`,
            `--grpcAddr=127.0.0.1:${grpc}`,
            `--httpAddr=127.0.0.1:${http}`,
            `--monitoringAddr=127.0.0.1:${monitoring}`,
            `--secureGRPCAddr=127.0.0.1:${secureGrpc}`,
            `--ctrlz_port=${ctrlz}`,
            `--tlsCertFile=${this.certs.istiodCert}`,
            `--tlsKeyFile=${this.certs.istiodKey}`,
            `--caCertFile=${this.certs.ca}`,
        ];
        step(
            `starting istiod ${release} for revision ${revision} (webhook on 127.0.0.1:${webhookPort}, ENABLE_NATIVE_SIDECARS=${env.ENABLE_NATIVE_SIDECARS ?? "(unset)"} from its Deployment)`,
        );
        // cwd is an empty folder: istiod then reads its injection template and mesh config from the ConfigMaps
        // the chart rendered, not from files.
        const pid = start(
            `istiod-${revision}`,
            path.join(istioRelease(release), "pilot-discovery"),
            [...args, ...local],
            {
                cwd: dir,
                env: { PATH: process.env.PATH ?? "", HOME: dir, ...env },
            },
        );
        this.running.set(revision, { hash, pid, env, webhookPort, release });
    }

    private stopRevision(revision: string): void {
        stop(`istiod-${revision}`);
        this.running.delete(revision);
    }
}
