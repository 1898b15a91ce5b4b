/**
 * Pure construction of the canary Job manifest: a Job that can only complete when istio-proxy runs as a
 * native sidecar.
 *
 * Three checks, each named where it fails:
 * - admission: the API server (and the namespace's Pod Security level) must admit the injected pod; a refused pod
 *   never exists, and the Job ends with DeadlineExceeded and FailedCreate events giving the API server's reason.
 * - proxy ready: its first init container (`proxy-ready`) asks istio-proxy's readiness endpoint, 127.0.0.1:15021/healthz/ready (the pilot-agent
 *   status port, which Istio's iptables rules leave alone: traffic to 127.0.0.1 is not redirected). With a native
 *   sidecar the proxy is an earlier init container and is ready before this one starts (kubernetes.io "Sidecar
 *   Containers"). With a regular sidecar the proxy starts only after all init containers; with no sidecar
 *   at all it never starts: either way nothing answers, the pod fails and, with backoffLimit 0, so does the Job.
 *   So a pod that was not injected cannot pass for one with native sidecars.
 * - probe: its second init container (`probe`) then reaches a URL through the proxy, which proves init containers
 *   have network.
 * - Its main container exits at once. A regular sidecar would keep the pod running until the deadline.
 * It carries no `sidecar.istio.io/nativeSidecar` annotation on purpose: it proves the mesh-wide switch.
 */
import { createHash } from "node:crypto";
import type { EnvironmentSpec } from "../config/config";

export interface CanaryJobOptions {
    name: string;
    namespace: string;
    image: string;
    probeUrl: string;
    timeoutSeconds: number;
}

/**
 * An egress NetworkPolicy for the canary's pods, for clusters whose default NetworkPolicy denies egress. Policies
 * add up, so this opens only what the canary needs, to any destination (istiod may run outside the cluster, as
 * ASM's does, and the API server is no pod a selector could name):
 * - DNS, UDP and TCP 53 (the proxy and curl resolve Service names);
 * - 15012, istiod's xDS and certificate port, which the proxy needs before it is ready (istio.io "Application
 *   Requirements", ports used by Istio: 15012 "XDS and CA services (TLS and mTLS)");
 * - the probe URL's port; for the API server also 6443, since a policy sees the endpoint's port after the
 *   `kubernetes` Service's 443 is translated, and kubeadm-style API servers (ACK's included) listen on 6443.
 */
export function canaryEgressPolicy(o: { name: string; namespace: string; probeUrl: string }): Record<string, unknown> {
    const tcp = (port: number) => ({ protocol: "TCP", port });
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: {
            name: o.name,
            namespace: o.namespace,
            labels: { "app.kubernetes.io/managed-by": "nativemesh" },
        },
        spec: {
            podSelector: { matchLabels: { "app.kubernetes.io/name": "nativemesh-canary" } },
            policyTypes: ["Egress"],
            egress: [
                { ports: [{ protocol: "UDP", port: 53 }, tcp(53)] },
                { ports: [tcp(ISTIOD_XDS_PORT)] },
                { ports: probePorts(o.probeUrl).map(tcp) },
            ],
        },
    };
}

/** istiod's xDS and CA port (istio.io "Application Requirements", ports used by Istio). */
export const ISTIOD_XDS_PORT = 15012;

/** The API server's secure port where it does not listen on 443 (kube-apiserver `--secure-port` as kubeadm sets it). */
export const API_SERVER_PORT = 6443;

/** The ports the probe URL is reached on: its own (or the scheme's), and 6443 too for the API server's Service. */
export function probePorts(probeUrl: string): number[] {
    const url = new URL(probeUrl);
    const port = url.port !== "" ? Number(url.port) : url.protocol === "http:" ? 80 : 443;
    const apiServer = /^kubernetes\.default(\.svc(\.cluster\.local)?)?$/.test(url.hostname);
    return apiServer && port !== API_SERVER_PORT ? [port, API_SERVER_PORT] : [port];
}

/** Unprivileged user of the canary (not 1337, Envoy's UID, whose traffic the mesh does not capture). */
export const CANARY_UID = 65532;

/** istio-proxy's readiness endpoint (pilot-agent status port 15021). */
export const PROXY_READY_URL = "http://127.0.0.1:15021/healthz/ready";

/** What the canary prints when no proxy ran before its init container: native sidecars are off. */
export const CANARY_FAILURE =
    "nativemesh canary: proxy-ready check failed: no istio-proxy was ready on 127.0.0.1:15021 before this init container ran: the pod has no sidecar or a regular one, so native sidecars are not active";

/** What the canary prints when the native sidecar runs but the probe URL cannot be reached through it. */
export const CANARY_UNREACHABLE =
    "nativemesh canary: probe check failed: istio-proxy runs as a native sidecar, but the probe URL could not be reached through it";

/** Pulumi waits this much longer than the Job's own deadline, so the Job's failure (with its reason) comes first. */
export const CANARY_WAIT_MARGIN_SECONDS = 60;

const restricted = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
};

// Small and fixed: the canary does one request and exits (values chosen for curl, not measured upstream).
const resources = {
    requests: { cpu: "10m", memory: "16Mi" },
    limits: { cpu: "100m", memory: "64Mi" },
};

/** `nativemesh-canary[-<revision>][-<first 8 of the fingerprint>]`, a DNS-1123 name of at most 63 characters. */
export function canaryJobName(revision?: string, fingerprint?: string): string {
    const suffix = fingerprint ? `-${fingerprint.slice(0, 8)}` : "";
    const base = ["nativemesh-canary", revision].filter(Boolean).join("-");
    return base.slice(0, 63 - suffix.length).replace(/-+$/, "") + suffix;
}

/**
 * What a canary run proves: the mesh's settings for one revision (its version, the tags pointing at it, whether
 * it is the default) and the cluster's versions. Another revision's change does not re-run this one's canary. A
 * credential (the ASM control-plane kubeconfig) is left out of it.
 */
export function canaryProves(spec: EnvironmentSpec, revision: string | undefined = spec.revision): unknown {
    const { alibaba, revisions: _revisions, revisionTags: _tags, defaultRevision: _default, ...mesh } = spec.mesh;
    const { controlPlaneKubeconfig: _credential, ...asm } = alibaba ?? {};
    const plan = spec.revisionPlan;
    return {
        mesh: {
            ...mesh,
            version: plan.revisions.find((r) => r.revision === revision)?.version ?? mesh.version,
            alibaba: asm,
        },
        revision,
        tags: plan.tags.filter((t) => t.revision === revision).map((t) => t.name),
        default: plan.defaultRevision === revision,
        kubernetes: spec.gke?.kubernetesVersion ?? spec.ack?.kubernetesVersion ?? null,
        pools: spec.gke?.nodePools.map((p) => p.version ?? null) ?? [],
        canary: spec.canary,
    };
}

/** A digest of what the canary proves: any change to it names a new Job (a Job's template is immutable). */
export function canaryFingerprint(proves: unknown): string {
    return createHash("sha256").update(JSON.stringify(proves)).digest("hex");
}

/** The init container that checks the proxy is ready, and the one that reaches the probe URL through it: a failed
 *  Job's condition names the container (podFailurePolicy), so it says which check failed. */
export const PROXY_READY_CONTAINER = "proxy-ready";
export const PROBE_CONTAINER = "probe";

export function canaryJobManifest(o: CanaryJobOptions): Record<string, unknown> {
    // A few tries each: the proxy may take a moment even when native, and the probe URL may be slow to answer.
    // The proxy must answer 2xx (-f): ready. The probe URL only has to answer at all: any HTTP status proves the
    // network path through the proxy, and hardened API servers (anonymous auth off) answer /readyz with 401/403.
    const retry = `try() { for i in 1 2 3 4 5; do curl -sS -k --max-time 5 -o /dev/null $2 "$1" && return 0; sleep 2; done; return 1; }`;
    const proxyReady = [retry, `try "${PROXY_READY_URL}" -f || { echo "${CANARY_FAILURE}" >&2; exit 1; }`].join("\n");
    const probe = [
        retry,
        `try "$PROBE_URL" || { echo "${CANARY_UNREACHABLE} ($PROBE_URL)" >&2; exit 1; }`,
        `echo "nativemesh canary: istio-proxy was ready before this init container and $PROBE_URL was reached through it"`,
    ].join("\n");
    const check = (name: string, script: string, env?: unknown[]) => ({
        name,
        image: o.image,
        command: ["sh", "-c", script],
        ...(env !== undefined ? { env } : {}),
        // What the check printed becomes the container's termination message, in the pod's status.
        terminationMessagePolicy: "FallbackToLogsOnError",
        securityContext: restricted,
        resources,
    });
    return {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: {
            name: o.name,
            namespace: o.namespace,
            labels: { "app.kubernetes.io/name": "nativemesh-canary", "app.kubernetes.io/managed-by": "nativemesh" },
            // Pulumi waits for a Job to complete; this bounds the wait (Pulumi Registry kubernetes.batch/v1.Job).
            annotations: { "pulumi.com/timeoutSeconds": String(o.timeoutSeconds + CANARY_WAIT_MARGIN_SECONDS) },
        },
        spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: o.timeoutSeconds,
            ttlSecondsAfterFinished: 3600,
            // A failed check fails the Job with reason PodFailurePolicy and a message naming its container
            // ("Container proxy-ready for pod ... failed with exit code 1 matching FailJob rule at index 0";
            // kubernetes.io "Handling retriable and non-retriable pod failures with Pod failure policy", which
            // matches init containers by name too). A pod refused at admission never exists: the Job then ends
            // with DeadlineExceeded and its FailedCreate events carry the API server's refusal.
            podFailurePolicy: {
                rules: [PROXY_READY_CONTAINER, PROBE_CONTAINER].map((containerName) => ({
                    action: "FailJob",
                    onExitCodes: { containerName, operator: "NotIn", values: [0] },
                })),
            },
            template: {
                metadata: {
                    // Injection asked for explicitly, by the pod label Istio reads (the annotation form is deprecated).
                    labels: { "app.kubernetes.io/name": "nativemesh-canary", "sidecar.istio.io/inject": "true" },
                },
                spec: {
                    restartPolicy: "Never",
                    automountServiceAccountToken: false,
                    // Pod Security `restricted` as a whole (kubernetes.io "Pod Security Standards"): non-root,
                    // RuntimeDefault seccomp here; no privilege escalation and no capabilities on every container.
                    securityContext: {
                        runAsNonRoot: true,
                        runAsUser: CANARY_UID,
                        runAsGroup: CANARY_UID,
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                    initContainers: [
                        check(PROXY_READY_CONTAINER, proxyReady),
                        check(PROBE_CONTAINER, probe, [{ name: "PROBE_URL", value: o.probeUrl }]),
                    ],
                    containers: [
                        {
                            name: "exit",
                            image: o.image,
                            command: [
                                "sh",
                                "-c",
                                "echo 'nativemesh canary: done; the pod completes only if istio-proxy is a native sidecar'",
                            ],
                            securityContext: restricted,
                            resources,
                        },
                    ],
                },
            },
        },
    };
}
