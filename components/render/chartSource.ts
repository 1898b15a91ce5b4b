/**
 * Where Istio's charts come from, and which version the base chart runs at. Pure.
 *
 * - A Helm `Release` with `repositoryOpts.repo` looks the chart up in that repository's `index.yaml`; an OCI
 *   registry has none, and an OCI chart is given whole as `chart: oci://registry/path/<chart>` with no repository
 *   (pulumi/pulumi-kubernetes v4.25.0 `provider/pkg/provider/helm_release.go`, `resolveChartName` returns an OCI
 *   name as it is; `locateChart` hands it to Helm's registry client). The client-side render of the tags (`helm
 *   template`, `provider/pkg/provider/invoke_helm_template.go`) takes the same `oci://` chart reference.
 * - The base chart holds Istio's CRDs as templates (`manifests/charts/base/templates/crds.yaml`), so `helm upgrade`
 *   of base to a lower chart version downgrades the CRDs every istiod reads. It runs at the newest version listed
 *   (Istio "Upgrade with Helm": base goes first, to the new release) or at `mesh.baseVersion`, and never goes down.
 * - Revisions of different releases may each name the local folder of their own release's charts
 *   (`mesh.revisions[].chartPath`): istiod comes from its revision's folder, base and cni from the newest one's.
 */
import * as path from "node:path";
import { compareVersions, parseVersion } from "../../policy/facts/versions";

/** Where the charts are: a repository (https:// or oci://), or a local directory holding `base` and `istiod`
 *  (`cni` too, with Istio CNI). */
export interface ChartLocation {
    chartRepository: string;
    chartPath?: string;
}

export function isOciRepository(url: string): boolean {
    return /^oci:\/\//i.test(url);
}

/** The `chart`/`version`/`repositoryOpts` of a Helm Release of one of Istio's charts. */
export function releaseChart(
    where: ChartLocation,
    chart: "base" | "istiod" | "cni",
    version: string,
): { chart: string; version?: string; repositoryOpts?: { repo: string } } {
    if (where.chartPath !== undefined) return { chart: path.join(where.chartPath, chart) };
    if (isOciRepository(where.chartRepository)) return { chart: ociChart(where.chartRepository, chart), version };
    return { chart, version, repositoryOpts: { repo: where.chartRepository } };
}

/** The istiod chart for a client-side render (the Kubernetes provider's `helm template`, a v3 `Chart`). */
export function templateChart(
    where: ChartLocation,
    version: string,
): { path: string } | { chart: string; version: string; fetchOpts?: { repo: string } } {
    if (where.chartPath !== undefined) return { path: path.join(where.chartPath, "istiod") };
    if (isOciRepository(where.chartRepository)) return { chart: ociChart(where.chartRepository, "istiod"), version };
    return { chart: "istiod", version, fetchOpts: { repo: where.chartRepository } };
}

function ociChart(registry: string, chart: string): string {
    return `${registry.replace(/\/+$/, "")}/${chart}`;
}

/** The newest of some versions (the first of equals; an unreadable one never wins over a readable one). */
export function newestVersion(versions: string[]): string {
    return versions.reduce((a, b) => {
        const [va, vb] = [parseVersion(a), parseVersion(b)];
        return va !== undefined && vb !== undefined && compareVersions(vb, va) > 0 ? b : a;
    });
}

/** The base chart's version: the one asked for, else the newest revision's. */
export function baseChartVersion(revisionVersions: string[], asked?: string): string {
    return asked ?? newestVersion(revisionVersions);
}

/** A revision as the chart source reads it: its version and, optionally, the local folder of its release's charts. */
export interface RevisionCharts {
    version: string;
    chartPath?: string;
}

/** Where a revision's istiod chart is: its own folder (`mesh.revisions[].chartPath`), else the mesh's. */
export function revisionChartLocation(where: ChartLocation, revision: RevisionCharts): ChartLocation {
    return revision.chartPath !== undefined ? { ...where, chartPath: revision.chartPath } : where;
}

/**
 * The base (and cni) chart: its version (`baseChartVersion`), and where it is. Base goes with the newest release
 * listed, so with revisions of two releases in folders of their own it comes from the folder of the revision at
 * that version (the first listed of equals); otherwise, and when `mesh.baseVersion` names a version no revision
 * runs (a rollback keeping base where it is), from the mesh's `chartPath` or repository.
 */
export function baseChart(
    where: ChartLocation,
    revisions: RevisionCharts[],
    asked?: string,
): { location: ChartLocation; version: string } {
    const version = baseChartVersion(
        revisions.map((r) => r.version),
        asked,
    );
    const newest = revisions.find((r) => r.version === version);
    return { location: newest !== undefined ? revisionChartLocation(where, newest) : where, version };
}

/**
 * Why an update of the base release must not run: it would install a lower chart version than the one installed.
 * Both versions are the Release's `version` as the Kubernetes provider records it: its check replaces the input
 * with the loaded chart's own version, local charts included (`helm_release.go`, `new.Version =
 * chart.Metadata.Version`). undefined: nothing against it, or a version that cannot be read (Helm then decides).
 */
export function baseDowngrade(installed: unknown, next: unknown): string | undefined {
    const [from, to] = [parseVersion(installed), parseVersion(next)];
    if (from === undefined || to === undefined || compareVersions(to, from) >= 0) return undefined;
    return (
        `nativemesh:mesh.baseVersion: istio-base would go down from ${String(installed)} to ${String(next)}; the base ` +
        `chart holds Istio's CRDs and is never downgraded (removing the newer revision keeps base where it is): set ` +
        `nativemesh:mesh.baseVersion to ${String(installed)} (with mesh.chartPath, keep it at that release's charts)`
    );
}
