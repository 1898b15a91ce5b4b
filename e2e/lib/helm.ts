/** Helm's records of the releases in the control plane's namespace, read from the API server. */
import { gunzipSync } from "node:zlib";
import { kubectlJson } from "./kubectl";
import { LOCAL } from "./spec";

/** The names of the deployed Helm releases, sorted. */
export function helmReleases(): string[] {
    const list = kubectlJson(["get", "secrets", "-n", LOCAL.istioNamespace, "-l", "owner=helm,status=deployed"]) as {
        items: Array<{ metadata: { labels: Record<string, string> } }>;
    };
    return list.items.map((s) => s.metadata.labels.name).sort();
}

/** The chart version Helm recorded for the deployed release (its record: base64 of gzipped JSON, helm
 *  pkg/storage/driver/util.go), read from the API server. */
export function deployedChartVersion(release: string): string | undefined {
    const list = kubectlJson([
        "get",
        "secrets",
        "-n",
        LOCAL.istioNamespace,
        "-l",
        `owner=helm,name=${release},status=deployed`,
    ]) as { items: Array<{ data: { release: string } }> };
    if (list.items.length !== 1) return undefined;
    const record = Buffer.from(Buffer.from(list.items[0].data.release, "base64").toString("utf8"), "base64");
    return (JSON.parse(gunzipSync(record).toString("utf8")) as { chart: { metadata: { version: string } } }).chart
        .metadata.version;
}
