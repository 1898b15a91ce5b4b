import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CANARY_WAIT_MARGIN_SECONDS, canaryEgressPolicy, canaryJobManifest, canaryJobName } from "./render/canaryJob";

export interface SidecarCanaryArgs {
    /** Meshed namespace the Job runs in. */
    namespace: pulumi.Input<string>;
    /** The revision the namespace selects, if any; part of the Job's name so a new revision re-runs the canary. */
    revision?: string;
    /** A digest of what the canary proves (mesh settings, cluster versions); part of the Job's name, so any
     *  change to them, including the fix after a failed canary, runs a new Job. */
    fingerprint?: string;
    /** Image with `sh` and `curl`. */
    image: string;
    /** URL the init container must reach through the mesh. */
    probeUrl: string;
    /** Bound on the Job and on Pulumi's wait for it, in seconds. */
    timeoutSeconds: number;
    /** Create an egress NetworkPolicy opening DNS, istiod (15012) and the probe's port to the canary's pods. */
    egressNetworkPolicy?: boolean;
    /** The cluster's Kubernetes provider. */
    provider: k8s.Provider;
    /** The control plane (and namespace) the Job must wait for. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
    /** A value the Job waits for before it is created, e.g. the name of the mesh's injector webhook configuration
     *  where the mesh installs it on its own schedule; recorded in the annotation `nativemesh.io/waited-for`. */
    waitFor?: pulumi.Input<string>;
}

/**
 * A Job that completes only when native sidecars work. `pulumi up` waits for Jobs, so with regular sidecars
 * the update fails within `timeoutSeconds`, and the pod's log says native sidecars are not active.
 */
export class SidecarCanary extends pulumi.ComponentResource {
    public readonly job: k8s.batch.v1.Job;
    /** The egress NetworkPolicy, when asked for. */
    public readonly egressPolicy?: k8s.networking.v1.NetworkPolicy;

    constructor(name: string, args: SidecarCanaryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("nativemesh:index:SidecarCanary", name, {}, opts);
        // Plain but for the namespace and what the Job waited for, so a preview shows the whole Job even while
        // those are unknown.
        const manifest = canaryJobManifest({
            name: canaryJobName(args.revision, args.fingerprint),
            namespace: "",
            image: args.image,
            probeUrl: args.probeUrl,
            timeoutSeconds: args.timeoutSeconds,
        });
        if (args.egressNetworkPolicy) {
            const policy = canaryEgressPolicy({
                name: "nativemesh-canary-egress",
                namespace: "",
                probeUrl: args.probeUrl,
            });
            this.egressPolicy = new k8s.networking.v1.NetworkPolicy(
                `${name}-egress`,
                {
                    metadata: { ...(policy.metadata as k8s.types.input.meta.v1.ObjectMeta), namespace: args.namespace },
                    spec: policy.spec as k8s.types.input.networking.v1.NetworkPolicySpec,
                },
                { parent: this, provider: args.provider, dependsOn: args.dependsOn },
            );
        }
        const plainMetadata = manifest.metadata as k8s.types.input.meta.v1.ObjectMeta & {
            annotations: Record<string, pulumi.Input<string>>;
        };
        const metadata: k8s.types.input.meta.v1.ObjectMeta = {
            ...plainMetadata,
            namespace: args.namespace,
            annotations:
                args.waitFor === undefined
                    ? plainMetadata.annotations
                    : { ...plainMetadata.annotations, "nativemesh.io/waited-for": args.waitFor },
        };
        this.job = new k8s.batch.v1.Job(
            name,
            {
                metadata,
                spec: manifest.spec as k8s.types.input.batch.v1.JobSpec,
            },
            {
                parent: this,
                provider: args.provider,
                // The policy first: a pod started before it would meet the cluster's default deny.
                dependsOn: [...(args.dependsOn ?? []), ...(this.egressPolicy !== undefined ? [this.egressPolicy] : [])],
                customTimeouts: {
                    create: `${args.timeoutSeconds + CANARY_WAIT_MARGIN_SECONDS}s`,
                    update: `${args.timeoutSeconds + CANARY_WAIT_MARGIN_SECONDS}s`,
                },
                // A Job's template is immutable: a changed canary is a new Job.
                deleteBeforeReplace: true,
            },
        );
        this.registerOutputs({});
    }
}
