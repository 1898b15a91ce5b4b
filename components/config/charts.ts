/**
 * What a Helm chart reference and version must be for nativemesh to install it: fetched over an authenticated
 * channel and pinned, so that what runs in the cluster is what the stack names. Pure: no Pulumi import.
 */

/**
 * Why a chart reference is refused, or undefined when it is `oci://`, `https://` or a local chart directory (no
 * scheme). `http://` (and any other scheme) is refused: the chart could be altered in transit, and the charts
 * nativemesh installs get cluster-wide rights (istiod, the Formance operator).
 */
export function chartReferenceProblem(ref: string): string | undefined {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(ref)?.[1];
    if (scheme === undefined || scheme === "https" || scheme === "oci") return undefined;
    return `must be an oci:// or https:// chart, or a local chart directory (${scheme}:// is refused: the chart could be altered in transit)`;
}

/**
 * An exact chart version: SemVer 2.0.0 MAJOR.MINOR.PATCH with optional pre-release and build parts (semver.org),
 * and the leading `v` Helm also accepts. Helm reads `--version` as a constraint (Helm docs, "helm install":
 * "--version: specify a version constraint for the chart version to use"), so a range, `*` or `latest` would
 * install whatever the repository serves next.
 */
export const EXACT_CHART_VERSION =
    /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** The message for a chart version that is not exact. */
export const EXACT_CHART_VERSION_MESSAGE = "must be an exact chart version such as 3.9.2 (no range, *, latest or >=)";
