import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CANARY_WAIT_MARGIN_SECONDS, canaryJobManifest, canaryJobName } from "./render/canaryJob";

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

    constructor(name: string, args: SidecarCanaryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("nativemesh:index:SidecarCanary", name, {}, opts);
        const manifest = pulumi.all([args.namespace, args.waitFor]).apply(([namespace, waitedFor]) => {
            const job = canaryJobManifest({
                name: canaryJobName(args.revision, args.fingerprint),
                namespace,
                image: args.image,
                probeUrl: args.probeUrl,
                timeoutSeconds: args.timeoutSeconds,
            });
            if (waitedFor === undefined) return job;
            const metadata = job.metadata as { annotations: Record<string, string> };
            return {
                ...job,
                metadata: {
                    ...metadata,
                    annotations: { ...metadata.annotations, "nativemesh.io/waited-for": waitedFor },
                },
            };
        });
        this.job = new k8s.batch.v1.Job(
            name,
            {
                metadata: manifest.apply((m) => m.metadata as k8s.types.input.meta.v1.ObjectMeta),
                spec: manifest.apply((m) => m.spec as k8s.types.input.batch.v1.JobSpec),
            },
            {
                parent: this,
                provider: args.provider,
                dependsOn: args.dependsOn,
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
