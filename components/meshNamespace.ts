import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export { REVISION_LABEL, revisionLabels } from "./render/revisionLabel";

export interface MeshNamespaceArgs {
    /** Namespace name. */
    name: string;
    /** Labels that select injection, e.g. `{"istio.io/rev": "1-28-1"}` (never `istio-injection` with it). */
    injectionLabels: pulumi.Input<Record<string, string>>;
    /** Further labels. */
    labels?: Record<string, string>;
    /** Namespace annotations. */
    annotations?: Record<string, string>;
    /** The cluster's Kubernetes provider. */
    provider: k8s.Provider;
}

/**
 * A namespace whose pods get the mesh's native sidecars: labelled with the revision or a revision tag.
 * Pods already running keep their old injection until restarted (istio.io "Installing the Sidecar").
 */
export class MeshNamespace extends pulumi.ComponentResource {
    public readonly namespace: k8s.core.v1.Namespace;
    /** The namespace's name, known at plan time. */
    public readonly name: string;

    constructor(name: string, args: MeshNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("nativemesh:index:MeshNamespace", name, {}, opts);
        this.name = args.name;
        const labels = pulumi
            .output(args.injectionLabels)
            .apply((injection) => ({ ...(args.labels ?? {}), ...injection }));
        this.namespace = new k8s.core.v1.Namespace(
            name,
            { metadata: { name: args.name, labels, annotations: args.annotations } },
            { parent: this, provider: args.provider },
        );
        this.registerOutputs({ name: this.name });
    }
}
