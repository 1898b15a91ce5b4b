import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { baseChart, baseDowngrade, releaseChart, revisionChartLocation, templateChart } from "./render/chartSource";
import { baseValues, cniValues, deepMerge, istiodValues } from "./render/istioValues";
import { POD_SECURITY_ENFORCE } from "./render/podSecurity";

/** One istiod revision: its own Helm release `istiod-<revision>`. */
export interface IstioRevisionArgs {
    /** Istio version of this revision's `istiod` chart, e.g. `1.28.1`. */
    version: string;
    /** Revision name, e.g. `1-28-1`: the release is `istiod-<revision>`, namespaces select it by `istio.io/rev`. */
    revision: string;
    /** istiod values of this revision only, merged over the control plane's `istiodValues`. */
    istiodValues?: Record<string, unknown>;
    /** A local directory with this revision's release's charts, instead of the control plane's `chartPath`: its
     *  `istiod`, and `base` and `cni` when it is the newest revision (render/chartSource.ts `baseChart`). */
    chartPath?: string;
}

/** A revision tag: an alias namespaces select instead of a revision, moved by changing `revision`. */
export interface RevisionTagArgs {
    /** Tag name, e.g. `prod-stable`. */
    name: string;
    /** The revision the tag points at. */
    revision: string;
}

export interface IstioControlPlaneArgs {
    /** The revisions installed side by side (at least one); the first is listed first in outputs. */
    revisions: IstioRevisionArgs[];
    /** Revision tags and the revisions they point at; owned by no revision's release, so a move is an update. */
    revisionTags: RevisionTagArgs[];
    /** The default revision (base chart `defaultRevision` and the `default` tag), if any. */
    defaultRevision?: string;
    /** Set ENABLE_NATIVE_SIDECARS to "true" (or "false" when explicitly turned off). */
    nativeSidecars: boolean;
    /** Install the Istio CNI node agent (the `cni` chart) and inject through it instead of istio-init. */
    cni?: boolean;
    /** The cluster is GKE: the CNI node agent gets GKE's CNI bin dir and platform profile. */
    gke?: boolean;
    /** Helm repository of the charts: https://, or an OCI registry (oci://registry/path, holding `base` and `istiod`). */
    chartRepository: string;
    /** A local directory with the `base`, `istiod` (and, with `cni`, `cni`) charts; when set, the repository is
     *  not used. */
    chartPath?: string;
    /** The base chart's version; default the newest revision's. Never lowered: an update that would install an older
     *  base than the one installed fails before base is touched. */
    baseVersion?: string;
    /** istiod replicas per revision (at least 2 keeps pod admission up while one restarts). */
    istiodReplicas: number;
    /** Extra base-chart values, merged under ours. */
    baseValues?: Record<string, unknown>;
    /** Namespace of the control plane. */
    namespace: string;
    /** Extra istiod values (every revision), merged under ours. */
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
 * Upstream Istio installed by Helm (istio.io "Install with Helm"): the `base` release, one `istiod-<revision>`
 * release per revision side by side (istio.io "Upgrade with Helm", canary upgrade), and the revision tags,
 * rendered from the istiod chart's `revision-tags-mwc.yaml` and `revision-tags-svc.yaml` as that guide does
 * (`helm template ... -s templates/revision-tags-mwc.yaml | kubectl apply`), owned by no release.
 */
export class IstioControlPlane extends pulumi.ComponentResource {
    public readonly namespace: k8s.core.v1.Namespace;
    public readonly base: k8s.helm.v3.Release;
    /** The Istio CNI node agent's release, when `cni` is on. */
    public readonly cni?: k8s.helm.v3.Release;
    /** istiod releases by revision. */
    public readonly istiod: Record<string, k8s.helm.v3.Release>;
    /** The tag webhooks (and the `default` tag's) by tag name. */
    public readonly tags: Record<string, k8s.helm.v3.Chart>;
    /** The first revision. */
    public readonly revision: string;
    /** Every revision, in order. */
    public readonly revisions: string[];
    /** Tags that may be used in place of a revision. */
    public readonly revisionTags: string[];
    /** The istiod values given to Helm, by revision (also written by `preview --out`). */
    public readonly istiodValues: Record<string, Record<string, unknown>>;

    constructor(name: string, args: IstioControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
        super("nativemesh:index:IstioControlPlane", name, {}, opts);
        if (args.revisions.length === 0) throw new Error("IstioControlPlane: revisions must list at least one");
        this.revision = args.revisions[0].revision;
        this.revisions = args.revisions.map((r) => r.revision);
        this.revisionTags = args.revisionTags.map((t) => t.name);
        const childOpts = { parent: this, provider: args.provider };
        // The control plane's namespace carries no injection label: istiod itself is never injected. The CNI node
        // agent mounts host paths, which only Pod Security `privileged` admits: Istio labels its namespace so
        // (istio.io "Install Istio with Pod Security Admission"), which a cluster-wide default level cannot undo.
        this.namespace = new k8s.core.v1.Namespace(
            `${name}-ns`,
            {
                metadata: {
                    name: args.namespace,
                    ...(args.cni ? { labels: { [POD_SECURITY_ENFORCE]: "privileged" } } : {}),
                },
            },
            childOpts,
        );
        // base holds the CRDs; Istio's Helm upgrade moves base to the new release, and its CRDs serve the older
        // istiod too: the newest version listed, or the one asked for, from that release's charts
        // (render/chartSource.ts).
        const base = baseChart(args, args.revisions, args.baseVersion);
        this.base = new k8s.helm.v3.Release(
            `${name}-base`,
            {
                name: "istio-base",
                ...releaseChart(base.location, "base", base.version),
                namespace: this.namespace.metadata.name,
                values: keptSecret(
                    baseValues(
                        args.defaultRevision ?? "",
                        args.defaultRevision !== undefined,
                        args.namespace,
                        args.baseValues,
                    ),
                    args.baseValuesSecret,
                ),
            },
            { ...childOpts, ...(engineRunsHooks() ? { hooks: { beforeUpdate: [neverDowngradeBase(name)] } } : {}) },
        );
        // Istio's order (istio.io "Install Istio with the Istio CNI node agent", Helm): base, then cni, then istiod.
        // One node agent serves every revision; it goes with base, at the newest version listed.
        if (args.cni) {
            this.cni = new k8s.helm.v3.Release(
                `${name}-cni`,
                {
                    name: "istio-cni",
                    ...releaseChart(base.location, "cni", base.version),
                    namespace: this.namespace.metadata.name,
                    values: cniValues({ gke: args.gke === true }),
                },
                { ...childOpts, dependsOn: [this.base] },
            );
        }
        const istiodDependsOn: pulumi.Resource[] = [this.base, ...(this.cni !== undefined ? [this.cni] : [])];
        this.istiod = {};
        this.istiodValues = {};
        const valuesOf = (revision: IstioRevisionArgs, revisionTags: string[]) =>
            istiodValues({
                version: revision.version,
                revision: revision.revision,
                revisionTags,
                nativeSidecars: args.nativeSidecars,
                namespace: args.namespace,
                replicas: args.istiodReplicas,
                extra: deepMerge(args.istiodValues, revision.istiodValues ?? {}),
                cni: args.cni,
            });
        args.revisions.forEach((revision) => {
            const values = valuesOf(revision, []);
            this.istiodValues[revision.revision] = values;
            this.istiod[revision.revision] = new k8s.helm.v3.Release(
                `${name}-istiod-${revision.revision}`,
                {
                    name: `istiod-${revision.revision}`,
                    ...releaseChart(revisionChartLocation(args, revision), "istiod", revision.version),
                    namespace: this.namespace.metadata.name,
                    values: keptSecret(values, args.istiodValuesSecret),
                },
                {
                    ...childOpts,
                    // base holds the CRDs istiod's templates use, and pods injected for CNI need the node agent:
                    // install order base, cni, then istiod.
                    dependsOn: istiodDependsOn,
                    // The one-revision stacks of earlier nativemesh versions named the release `<name>-istiod`: a
                    // stack of one revision takes that name over, so upgrading nativemesh changes no release. Never
                    // by list position: with several revisions none does (which one held it is in the state only,
                    // and the wrong one would replace the release that stays; docs/UPGRADING.md).
                    aliases: args.revisions.length === 1 ? [{ name: `${name}-istiod` }] : [],
                },
            );
        });
        this.tags = {};
        const tags = [
            ...args.revisionTags,
            ...(args.defaultRevision !== undefined ? [{ name: "default", revision: args.defaultRevision }] : []),
        ];
        for (const tag of tags) {
            const revision = args.revisions.find((r) => r.revision === tag.revision);
            if (revision === undefined) {
                throw new Error(`IstioControlPlane: tag ${tag.name} points at ${tag.revision}, which is not listed`);
            }
            this.tags[tag.name] = new k8s.helm.v3.Chart(
                `${name}-tag-${tag.name}`,
                {
                    ...templateChart(revisionChartLocation(args, revision), revision.version),
                    namespace: args.namespace,
                    values: keptSecret(valuesOf(revision, [tag.name]), args.istiodValuesSecret),
                    // As `helm template | kubectl apply` does: nothing waits for the tag's Service to get endpoints
                    // (it aliases the revision's istiod Service; istiod's own release is what the tag waits for).
                    // The Chart renders its values to plain objects (the render is a JSON request): when they
                    // hold a secret, what the tag objects carry of them is made secret again, last.
                    transformations: [
                        keepOnlyTagObjects,
                        k8s.yaml.skipAwait,
                        ...(args.istiodValuesSecret ? [keepTagValuesSecret] : []),
                    ],
                },
                // The tag's webhook sends pods to its revision's istiod: that release first.
                { ...childOpts, dependsOn: [this.istiod[revision.revision]] },
            );
        }
        this.registerOutputs({
            revision: this.revision,
            revisions: this.revisions,
            revisionTags: this.revisionTags,
        });
    }
}

/** The objects of the istiod chart's tag templates: the tag's webhook configuration and Service. */
export const TAG_OBJECT_KINDS = new Set(["MutatingWebhookConfiguration", "Service"]);

/**
 * A Chart transformation keeping what `helm template -s templates/revision-tags-mwc.yaml` (and `-svc.yaml`)
 * would print: objects labelled `istio.io/tag`. Everything else the chart renders becomes an empty List, which
 * the Kubernetes SDK skips (the documented way to omit a Chart object).
 */
export function keepOnlyTagObjects(obj: Record<string, unknown>): void {
    const metadata = obj.metadata as { labels?: Record<string, string> } | undefined;
    if (TAG_OBJECT_KINDS.has(String(obj.kind)) && metadata?.labels?.["istio.io/tag"] !== undefined) return;
    for (const key of Object.keys(obj)) delete obj[key];
    obj.apiVersion = "v1";
    obj.kind = "List";
    // Metadata stays an object: the Chart's own transformations after ours (skipAwait) write annotations to it.
    obj.metadata = {};
    obj.items = [];
}

/**
 * A Chart transformation for tags whose istiod values hold a secret. The tag templates render values into the
 * webhooks (`istiodRemote.injectionURL`, `injectionPath`, `injectionCABundle`, `sidecarInjectorWebhook.*`)
 * (istio/istio manifests/charts/istio-control/istio-discovery/templates/revision-tags-mwc.yaml,
 * revision-tags-svc.yaml); those, and the Service's spec, are made secret, so state and plans show `[secret]`.
 * Metadata stays readable: a secret anywhere in it makes all of it secret, and its name and labels name the tag
 * and its revision, which every plan shows anyway and the policy pack reads. (Its annotations come from
 * `sidecarInjectorWebhookAnnotations`/`serviceAnnotations`, which are no place for a secret: docs/SECURITY.md.)
 */
export function keepTagValuesSecret(obj: Record<string, unknown>): void {
    if (!TAG_OBJECT_KINDS.has(String(obj.kind))) return;
    for (const field of ["webhooks", "spec"]) {
        if (obj[field] !== undefined) obj[field] = pulumi.secret(obj[field]);
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

/**
 * Refuses an update of the base release to a lower chart version than the one installed (a rollback that removes
 * the newer revision): base holds the CRDs. The hook runs before the provider's update, in previews too, and the
 * provider's check has put the loaded chart's own version in `version` (render/chartSource.ts).
 */
/** Whether the engine this program talks to runs resource hooks. The SDK's mocks (the offline preview, the unit
 *  tests) register none: their monitor has no `registerResourceHook`, and the SDK would wait for it forever. An
 *  engine that does not support them (the SDK asks it before the program runs, and records the answer in its
 *  state) would fail the registration. */
function engineRunsHooks(): boolean {
    const monitor = pulumi.runtime.getMonitor() as { registerResourceHook?: unknown } | undefined;
    if (typeof monitor?.registerResourceHook !== "function") return false;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { supportsResourceHooks?: boolean } };
    return state.getStore().supportsResourceHooks === true;
}

/** The hook that refuses a base downgrade (exported for its test: the SDK's mocks run no hooks). */
export function neverDowngradeBase(name: string): pulumi.ResourceHook {
    return new pulumi.ResourceHook(
        `${name}-never-downgrade-base`,
        (args) => {
            const refusal = baseDowngrade(args.oldInputs?.version, args.newInputs?.version);
            if (refusal !== undefined) throw new Error(refusal);
        },
        { onDryRun: true },
    );
}
