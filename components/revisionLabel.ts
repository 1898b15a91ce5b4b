/** The namespace label that selects a control-plane revision or revision tag (FACTS.md, "Labels"). */
export const REVISION_LABEL = "istio.io/rev";

/** `istio.io/rev=<revision or tag>`: the only injection label nativemesh writes for an Istio revision. */
export function revisionLabels(revisionOrTag: string): Record<string, string> {
    return { [REVISION_LABEL]: revisionOrTag };
}
