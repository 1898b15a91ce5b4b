/** The namespace label that selects a control-plane revision or revision tag (istio.io "Canary Upgrades"). */
export const REVISION_LABEL = "istio.io/rev";

/** `istio.io/rev=<revision or tag>`: the only injection label nativemesh writes for an Istio revision. */
export function revisionLabels(revisionOrTag: string): Record<string, string> {
    return { [REVISION_LABEL]: revisionOrTag };
}

/** The legacy label ASM (Alibaba) uses to inject its control plane when no revision is selected. */
export const INJECTION_LABEL = "istio-injection";

/**
 * The labels that put a namespace into the mesh. With a revision or tag: `istio.io/rev` alone, never with
 * `istio-injection`, which would take precedence (istio/istio
 * manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml).
 * Without one (Alibaba ASM with no
 * revision, see docs/ALIBABA.md): `istio-injection=enabled`.
 */
export function injectionLabelsFor(revisionOrTag: string | undefined): Record<string, string> {
    return revisionOrTag === undefined ? { [INJECTION_LABEL]: "enabled" } : revisionLabels(revisionOrTag);
}
