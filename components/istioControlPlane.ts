import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { baseValues, istiodValues } from "./render/istioValues";

export interface IstioControlPlaneArgs {
    /** Istio version of the `base` and `istiod` charts, e.g. `1.28.1`. */
    version: string;
    /** Revision of this control plane, e.g. `1-28-1`. */
    revision: string;
    /** Revision tags pointing at this revision (rendered by the istiod chart). */
    revisionTags: string[];
    /** Set ENABLE_NATIVE_SIDECARS to "true" (or "false" when explicitly turned off). */
    nativeSidecars: boolean;
    /** Make this revision the default one (base chart `defaultRevision`). */
    defaultRevision: boolean;
    /** Helm repository of the charts. */
    chartRepository: string;
    /** A local directory with the `base` and `istiod` charts; when set, the repository is not used. */
    chartPath?: string;
    /** istiod replicas (at least 2 keeps pod admission up while one restarts). */
    istiodReplicas: number;
    /** Extra base-chart values, merged under ours. */
    baseValues?: Record<string, unknown>;
    /** Namespace of the control plane. */
    namespace: string;
    /** Extra istiod values, merged under ours. */
    istiodValues: Record<string, unknown>;
    /** The istiod values hold a secret (e.g. a credential in `pilot.env`): the Release's values are kept secret
     *  in state and plans. */
    istiodValuesSecret?: boolean;
    /** The base values hold a secret: the base Release's values are kept secret. */
    baseValuesSecret?: boolean;
    /** The cluster's Kubernetes provider. */
    provider: k8s.Provider;
}

/**
 * Upstream Istio installed by Helm: Releases of `base` then `istiod`, revisioned, with native sidecars on
 * (istio.io "Install with Helm"; Istio's revision-based canary upgrade).
 */
export class IstioControlPlane extends pulumi.ComponentResource {
    public readonly namespace: k8s.core.v1.Namespace;
    public readonly base: k8s.helm.v3.Release;
    public readonly istiod: k8s.helm.v3.Release;
    /** The revision namespaces select with `istio.io/rev`. */
    public readonly revision: string;
    /** Tags that may be used in place of the revision. */
    public readonly revisionTags: string[];
    /** The istiod values given to Helm (also written by `preview --out`). */
    public readonly istiodValues: Record<string, unknown>;

    constructor(name: string, args: IstioControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
        super("nativemesh:index:IstioControlPlane", name, {}, opts);
        this.revision = args.revision;
        this.revisionTags = [...args.revisionTags];
        const childOpts = { parent: this, provider: args.provider };
        // The control plane's namespace carries no injection label: istiod itself is never injected.
        this.namespace = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.namespace } }, childOpts);
        this.base = new k8s.helm.v3.Release(
            `${name}-base`,
            {
                name: "istio-base",
                ...chartSource(args, "base"),
                namespace: this.namespace.metadata.name,
                values: keptSecret(
                    baseValues(args.revision, args.defaultRevision, args.namespace, args.baseValues),
                    args.baseValuesSecret,
                ),
            },
            childOpts,
        );
        this.istiodValues = istiodValues({
            version: args.version,
            revision: args.revision,
            revisionTags: args.revisionTags,
            nativeSidecars: args.nativeSidecars,
            namespace: args.namespace,
            replicas: args.istiodReplicas,
            extra: args.istiodValues,
        });
        this.istiod = new k8s.helm.v3.Release(
            `${name}-istiod`,
            {
                name: `istiod-${args.revision}`,
                ...chartSource(args, "istiod"),
                namespace: this.namespace.metadata.name,
                values: keptSecret(this.istiodValues, args.istiodValuesSecret),
            },
            // base holds the CRDs istiod's templates use: install order base, then istiod.
            { ...childOpts, dependsOn: [this.base] },
        );
        this.registerOutputs({ revision: this.revision, revisionTags: this.revisionTags });
    }
}

/** Values as Helm gets them: the whole object secret when it holds a secret (Pulumi keeps the Release's `values`
 *  encrypted in state, and the plan shows `[secret]`). */
function keptSecret(
    values: Record<string, unknown>,
    secret: boolean | undefined,
): pulumi.Input<Record<string, unknown>> {
    return secret ? pulumi.secret(values) : values;
}

/** Where a chart comes from: the local chart directory when given, else the repository at the pinned version. */
function chartSource(
    args: IstioControlPlaneArgs,
    chart: "base" | "istiod",
): Pick<k8s.helm.v3.ReleaseArgs, "chart" | "version" | "repositoryOpts"> {
    if (args.chartPath !== undefined) return { chart: path.join(args.chartPath, chart) };
    return { chart, version: args.version, repositoryOpts: { repo: args.chartRepository } };
}
