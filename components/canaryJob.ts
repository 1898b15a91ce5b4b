/**
 * Pure construction of the canary Job manifest: a Job that can only complete when istio-proxy runs as a
 * native sidecar.
 *
 * - Its init container must reach a URL through the mesh. With a native sidecar the proxy is the first init
 *   container and is ready before it (FACTS.md, "Kubernetes: native sidecars"). With a regular sidecar the
 *   proxy starts after all init containers, the traffic redirect is already in place, the request fails,
 *   the pod fails and, with backoffLimit 0, so does the Job.
 * - Its main container exits at once. A regular sidecar would keep the pod running until the deadline.
 * It carries no `sidecar.istio.io/nativeSidecar` annotation on purpose: it proves the mesh-wide switch.
 */
export interface CanaryJobOptions {
    name: string;
    namespace: string;
    image: string;
    probeUrl: string;
    timeoutSeconds: number;
}

/** Unprivileged user of the canary (not 1337, Envoy's UID, whose traffic the mesh does not capture). */
export const CANARY_UID = 65532;

/** The message the canary prints (and Pulumi shows in the Job's failure) when native sidecars are off. */
export const CANARY_FAILURE =
    "nativemesh canary: the init container could not reach the network through the mesh, so istio-proxy is not running as a native sidecar";

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

export function canaryJobManifest(o: CanaryJobOptions): Record<string, unknown> {
    const probe = [
        `for i in 1 2 3 4 5; do`,
        `  curl -fsS -k --max-time 5 -o /dev/null "$PROBE_URL" && { echo "nativemesh canary: reached $PROBE_URL through the mesh"; exit 0; }`,
        `  sleep 2`,
        `done`,
        `echo "${CANARY_FAILURE}" >&2`,
        `exit 1`,
    ].join("\n");
    return {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: {
            name: o.name,
            namespace: o.namespace,
            labels: { "app.kubernetes.io/name": "nativemesh-canary", "app.kubernetes.io/managed-by": "nativemesh" },
            // Pulumi waits for a Job to complete; this bounds the wait (FACTS.md, "Pulumi").
            annotations: { "pulumi.com/timeoutSeconds": String(o.timeoutSeconds) },
        },
        spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: o.timeoutSeconds,
            ttlSecondsAfterFinished: 3600,
            template: {
                metadata: {
                    // Injection asked for explicitly, by the pod label Istio reads (the annotation form is deprecated).
                    labels: { "app.kubernetes.io/name": "nativemesh-canary", "sidecar.istio.io/inject": "true" },
                },
                spec: {
                    restartPolicy: "Never",
                    automountServiceAccountToken: false,
                    securityContext: {
                        runAsNonRoot: true,
                        runAsUser: CANARY_UID,
                        runAsGroup: CANARY_UID,
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                    initContainers: [
                        {
                            name: "reach-through-mesh",
                            image: o.image,
                            command: ["sh", "-c", probe],
                            env: [{ name: "PROBE_URL", value: o.probeUrl }],
                            securityContext: restricted,
                            resources,
                        },
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
