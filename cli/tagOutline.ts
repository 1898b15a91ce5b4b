/**
 * How `preview --out` writes the objects of the revision tags. `pulumi up` renders them from the istiod chart with
 * Helm (`templates/revision-tags-mwc.yaml` and `templates/revision-tags-svc.yaml`); the offline preview has no
 * Helm and answers that render with a stand-in (cli/offlineTagTemplate.ts) that holds the names and labels the
 * plan and the pack read, but not what makes a webhook fire: each webhook's `rules`, `namespaceSelector`,
 * `objectSelector` and `reinvocationPolicy` (istio/istio 1.30.3 revision-tags-mwc.yaml). Applied as written, such
 * a webhook configuration would never inject a pod. So these files are outlines: in a folder of their own (a
 * `kubectl apply -f DIR/k8s` never meets them), named `*.outline.yaml`, each headed by what it is and the
 * `helm template` command that prints the real objects from the values written beside them.
 */

/** The folder of outlines under `--out DIR`. */
export const OUTLINE_DIR = "outline";

/** Chart resources whose objects the offline engine renders with the stand-in. */
const CHART_TYPES = new Set(["kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v4:Chart"]);

export function isChartType(type: string): boolean {
    return CHART_TYPES.has(type);
}

/** What a Chart resource's inputs say about where its chart is. */
interface ChartInputs {
    chart?: unknown;
    path?: unknown;
    version?: unknown;
    namespace?: unknown;
    fetchOpts?: { repo?: unknown };
    repositoryOpts?: { repo?: unknown };
}

/** `helm template` of the tag objects from the chart a Chart resource names, with the values file given. */
export function helmTemplateCommand(inputs: ChartInputs, valuesFile: string): string {
    const words = ["helm", "template", "istiod"];
    if (typeof inputs.path === "string") words.push(inputs.path);
    else {
        words.push(String(inputs.chart ?? "istiod"));
        const repo = inputs.fetchOpts?.repo ?? inputs.repositoryOpts?.repo;
        if (typeof repo === "string") words.push("--repo", repo);
        if (typeof inputs.version === "string") words.push("--version", inputs.version);
    }
    if (typeof inputs.namespace === "string") words.push("-n", inputs.namespace);
    words.push("-f", valuesFile, "-s", "templates/revision-tags-mwc.yaml", "-s", "templates/revision-tags-svc.yaml");
    return words.join(" ");
}

/** The header of an outline file. */
export function outlineHeader(inputs: ChartInputs, valuesFile: string): string {
    return [
        "# OUTLINE, DO NOT APPLY. nativemesh preview has no Helm: this object was written by a stand-in for the istiod",
        "# chart's revision-tag templates and lacks what Helm renders (the webhooks' rules, namespaceSelector,",
        "# objectSelector, reinvocationPolicy): applied as written it never injects a pod. `pulumi up` renders the real",
        "# objects; to print them, from this folder's parent:",
        `#   ${helmTemplateCommand(inputs, valuesFile)}`,
        "",
    ].join("\n");
}
