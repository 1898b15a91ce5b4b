import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { chartReferenceProblem, EXACT_CHART_VERSION, EXACT_CHART_VERSION_MESSAGE } from "./config/charts";
import { FormanceSetting, settingsSpec } from "./render/formanceSpec";

export type { FormanceSetting };
export { settingsSpec };

/** The Formance operator's Helm chart, installed before the Settings when asked. */
export interface FormanceOperatorArgs {
    /** Install the operator and its CRDs; when false, the cluster must already have `settings.formance.com`. */
    install: boolean;
    /** `oci://` or `https://` chart reference, or a local chart directory (`http://` is refused). */
    chart: string;
    /** Exact chart version, no range (not used for a local chart directory). */
    version: string;
    /** Namespace the operator runs in. */
    namespace: string;
    /** Extra chart values. */
    values: Record<string, unknown>;
    /** The chart values hold a secret: the Release's values are kept secret. */
    valuesSecret?: boolean;
}

export interface FormanceSettingsArgs {
    /** The Settings to apply. */
    settings: FormanceSetting[];
    /** The operator that owns the Settings CRD. */
    operator: FormanceOperatorArgs;
    /** The operator's namespace when it is made elsewhere (e.g. a meshed namespace of the same name); the release
     *  waits for it instead of creating it. */
    operatorNamespace?: pulumi.Resource;
    /** The cluster's Kubernetes provider. */
    provider: k8s.Provider;
    /** Names of the Settings whose value holds a secret: their `spec.value` is kept secret. */
    secretSettings?: string[];
}

/** The CRD the Settings are instances of (formancehq/operator, helm/crds). */
export const SETTINGS_CRD = "settings.formance.com";

/** A chart reference that names a repository or registry, not a local directory. */
export function isRemoteChart(chart: string): boolean {
    return /^(oci|https?):\/\//.test(chart);
}

/**
 * Cluster-scoped `formance.com/v1beta1` `Settings` (formancehq/operator, api/formance.com/v1beta1), after the
 * operator that defines them: a fresh cluster has no `settings.formance.com` CRD, and a Settings object there
 * fails with "no matches for kind". Every value is checked before anything is declared, so a bad one creates
 * nothing.
 */
export class FormanceSettings extends pulumi.ComponentResource {
    public readonly settings: k8s.apiextensions.CustomResource[];
    /** The operator's Helm release, when nativemesh installs it. */
    public readonly operator?: k8s.helm.v3.Release;

    constructor(name: string, args: FormanceSettingsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("nativemesh:index:FormanceSettings", name, {}, opts);
        const childOpts = { parent: this, provider: args.provider };
        // Encoded first: a value the operator cannot parse throws here, before anything is declared.
        const secret = new Set(args.secretSettings ?? []);
        const specs = args.settings.map((s) => {
            const spec = settingsSpec(s);
            return {
                name: s.name,
                spec: secret.has(s.name) ? { ...spec, value: pulumi.secret(spec.value) } : spec,
            };
        });
        let crdReady: pulumi.Resource;
        if (args.operator.install) {
            refuseUnpinnedChart(args.operator);
            this.operator = installOperator(this, name, args.operator, args.provider, args.operatorNamespace);
            crdReady = this.operator;
        } else {
            // The operator is the team's own: read its CRD, so that a cluster without it fails on this read,
            // named for what is missing, before any Settings is sent.
            crdReady = k8s.apiextensions.v1.CustomResourceDefinition.get(
                `${name}-needs-formance-operator-crd`,
                SETTINGS_CRD,
                childOpts,
            );
        }
        this.settings = specs.map(
            ({ name: objectName, spec }) =>
                new k8s.apiextensions.CustomResource(
                    `${name}-${objectName.replace(/^nativemesh-/, "")}`,
                    { apiVersion: "formance.com/v1beta1", kind: "Settings", metadata: { name: objectName }, spec },
                    { ...childOpts, dependsOn: [crdReady] },
                ),
        );
        this.registerOutputs({});
    }
}

/** The operator gets cluster-wide rights: its chart only over https/oci (or from a local directory), pinned. */
function refuseUnpinnedChart(operator: FormanceOperatorArgs): void {
    const problem = chartReferenceProblem(operator.chart);
    if (problem !== undefined) throw new Error(`FormanceSettings operator.chart: ${problem}`);
    if (isRemoteChart(operator.chart) && !EXACT_CHART_VERSION.test(operator.version)) {
        throw new Error(`FormanceSettings operator.version: ${EXACT_CHART_VERSION_MESSAGE}`);
    }
}

function installOperator(
    parent: FormanceSettings,
    name: string,
    operator: FormanceOperatorArgs,
    provider: k8s.Provider,
    madeElsewhere?: pulumi.Resource,
): k8s.helm.v3.Release {
    const childOpts = { parent, provider };
    const namespace =
        madeElsewhere ??
        new k8s.core.v1.Namespace(`${name}-operator-ns`, { metadata: { name: operator.namespace } }, childOpts);
    return new k8s.helm.v3.Release(
        `${name}-operator`,
        {
            name: "formance-operator",
            chart: operator.chart,
            ...(isRemoteChart(operator.chart) ? { version: operator.version } : {}),
            namespace: operator.namespace,
            values: operator.valuesSecret ? pulumi.secret(operator.values) : operator.values,
        },
        { ...childOpts, dependsOn: [namespace] },
    );
}
